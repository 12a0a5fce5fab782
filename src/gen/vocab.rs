//! The generator's vocabulary: departments and their items, laws, materials, steps and place
//! names. Everything here is plain data; `gen::standard` turns it into a standard catalogue.
//!
//! Every character used here must be encodable in GBK (a test checks it), because `gen --format
//! gbk` writes it as GBK.

/// The ten categories (事项类型) in code order, with their TT digits (DATA.md "Codes").
pub(crate) const CATEGORIES: [(&str, &str); 10] = [
    ("行政许可", "01"),
    ("行政处罚", "02"),
    ("行政强制", "03"),
    ("行政征收", "04"),
    ("行政给付", "05"),
    ("行政检查", "06"),
    ("行政确认", "07"),
    ("行政奖励", "08"),
    ("行政裁决", "09"),
    ("其他行政权力", "10"),
];

/// Category indexes into [`CATEGORIES`].
pub(crate) const LICENSING: usize = 0;
pub(crate) const PENALTY: usize = 1;
pub(crate) const COERCION: usize = 2;
pub(crate) const LEVY: usize = 3;
pub(crate) const BENEFIT: usize = 4;
pub(crate) const INSPECTION: usize = 5;
pub(crate) const CONFIRMATION: usize = 6;
pub(crate) const REWARD: usize = 7;
pub(crate) const ADJUDICATION: usize = 8;
pub(crate) const OTHER: usize = 9;

/// Laws cited in generated legal bases. Every title is in
/// /work/shared/data/laws/laws.csv with status 有效 (a test re-reads that file when it is there).
/// Read only by that test: the departments' `laws` below must each be listed here.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) const LAWS_IN_FORCE: &[&str] = &[
    "中华人民共和国食品安全法",
    "中华人民共和国行政许可法",
    "中华人民共和国行政处罚法",
    "中华人民共和国行政强制法",
    "中华人民共和国道路运输条例",
    "中华人民共和国民法典",
    "中华人民共和国药品管理法",
    "中华人民共和国产品质量法",
    "中华人民共和国广告法",
    "中华人民共和国特种设备安全法",
    "中华人民共和国土地管理法",
    "中华人民共和国土地管理法实施条例",
    "中华人民共和国城乡规划法",
    "中华人民共和国森林法",
    "中华人民共和国建筑法",
    "中华人民共和国城市房地产管理法",
    "建设工程质量管理条例",
    "物业管理条例",
    "城镇排水与污水处理条例",
    "城市道路管理条例",
    "中华人民共和国公路法",
    "中华人民共和国道路交通安全法",
    "中华人民共和国基本医疗卫生与健康促进法",
    "中华人民共和国医师法",
    "中华人民共和国传染病防治法",
    "中华人民共和国母婴保健法",
    "中华人民共和国教育法",
    "中华人民共和国义务教育法",
    "中华人民共和国民办教育促进法",
    "婚姻登记条例",
    "殡葬管理条例",
    "社会救助暂行办法",
    "中华人民共和国老年人权益保障法",
    "中华人民共和国劳动合同法",
    "中华人民共和国社会保险法",
    "中华人民共和国就业促进法",
    "中华人民共和国种子法",
    "中华人民共和国动物防疫法",
    "中华人民共和国农产品质量安全法",
    "中华人民共和国渔业法",
    "中华人民共和国畜牧法",
    "中华人民共和国环境保护法",
    "中华人民共和国大气污染防治法",
    "中华人民共和国水污染防治法",
    "中华人民共和国固体废物污染环境防治法",
    "中华人民共和国环境影响评价法",
    "中华人民共和国安全生产法",
    "危险化学品安全管理条例",
    "中华人民共和国突发事件应对法",
    "中华人民共和国文物保护法",
    "中华人民共和国体育法",
    "营业性演出管理条例",
    "娱乐场所管理条例",
    "中华人民共和国退役军人保障法",
    "军人抚恤优待条例",
    "中华人民共和国水法",
];

/// Repealed laws cited by the "repealed law" fault, as (law in force, a repealed law it
/// replaced or that once covered the matter). All are 已废止 in
/// /work/shared/data/laws/laws.csv. Laws without an entry fall back to [`REPEALED_FALLBACK`].
pub(crate) const REPEALED: &[(&str, &str)] = &[
    ("中华人民共和国食品安全法", "中华人民共和国食品卫生法"),
    ("中华人民共和国医师法", "中华人民共和国执业医师法"),
    ("中华人民共和国民法典", "中华人民共和国合同法"),
    ("中华人民共和国大气污染防治法", "中华人民共和国环境噪声污染防治法"),
];

/// The repealed law cited when a law has no entry in [`REPEALED`] (已废止 since 2021-01-01).
pub(crate) const REPEALED_FALLBACK: &str = "中华人民共和国合同法";

/// One department (实施主体 without the jurisdiction's name) and what it administers.
pub(crate) struct Dept {
    /// 市场监督管理局
    pub name: &'static str,
    /// DD digits of its codes.
    pub dd: &'static str,
    /// Laws it applies; the first is its main law.
    pub laws: &'static [&'static str],
    /// Hand-written items as (category index, name), most prominent first.
    pub items: &'static [(usize, &'static str)],
    /// Licences split into sub-items （新办）（变更）（延续）（注销） at large sizes.
    pub licences: &'static [&'static str],
    /// Regulated parties, for generated penalty, coercion and inspection items.
    pub subjects: &'static [&'static str],
    /// Materials specific to this department's applications.
    pub materials: &'static [&'static str],
    /// Intermediary services its items may require.
    pub intermediaries: &'static [&'static str],
}

/// The departments of a county or city government, in DD order.
pub(crate) const DEPTS: &[Dept] = &[
    Dept {
        name: "市场监督管理局",
        dd: "01",
        laws: &[
            "中华人民共和国食品安全法",
            "中华人民共和国药品管理法",
            "中华人民共和国产品质量法",
            "中华人民共和国特种设备安全法",
            "中华人民共和国广告法",
        ],
        items: &[
            (LICENSING, "食品经营许可"),
            (PENALTY, "对未取得食品经营许可从事食品经营活动的行政处罚"),
            (INSPECTION, "对食品经营者的监督检查"),
            (LICENSING, "药品零售企业许可"),
            (COERCION, "查封、扣押不符合食品安全标准的食品"),
            (CONFIRMATION, "特种设备使用登记"),
            (PENALTY, "对生产、销售不符合保障人体健康和人身、财产安全的国家标准、行业标准的产品的行政处罚"),
            (REWARD, "对举报食品安全违法行为有功人员的奖励"),
            (LICENSING, "食品小作坊登记"),
            (OTHER, "食品经营者报告事项的处理"),
            (PENALTY, "对发布虚假广告的行政处罚"),
            (LICENSING, "医疗器械经营许可"),
        ],
        licences: &["食品经营许可", "药品零售企业许可", "医疗器械经营许可", "食品生产许可"],
        subjects: &[
            "食品经营者",
            "食品生产者",
            "药品零售企业",
            "医疗器械经营企业",
            "特种设备使用单位",
            "化妆品经营者",
            "广告发布者",
            "计量器具使用者",
        ],
        materials: &["经营场所使用证明", "食品安全管理制度文本", "从业人员健康证明", "设施设备布局图"],
        intermediaries: &["特种设备检验检测", "计量器具检定"],
    },
    Dept {
        name: "自然资源局",
        dd: "02",
        laws: &[
            "中华人民共和国土地管理法",
            "中华人民共和国土地管理法实施条例",
            "中华人民共和国城乡规划法",
            "中华人民共和国森林法",
            "中华人民共和国民法典",
        ],
        items: &[
            (LICENSING, "建设工程规划许可"),
            (CONFIRMATION, "不动产登记"),
            (PENALTY, "对非法占用土地的行政处罚"),
            (LICENSING, "乡村建设规划许可"),
            (LEVY, "土地复垦费征收"),
            (LICENSING, "建设用地规划许可"),
            (INSPECTION, "对土地利用情况的监督检查"),
            (ADJUDICATION, "土地权属争议裁决"),
            (LICENSING, "林木采伐许可"),
            (PENALTY, "对未取得建设工程规划许可证进行建设的行政处罚"),
            (OTHER, "临时用地审批"),
            (LEVY, "闲置土地费征收"),
        ],
        licences: &["建设工程规划许可", "乡村建设规划许可", "建设用地规划许可", "林木采伐许可"],
        subjects: &[
            "土地使用权人",
            "建设单位",
            "林木经营者",
            "测绘单位",
            "矿产资源开采单位",
            "不动产登记申请人",
            "临时用地使用人",
        ],
        materials: &["土地权属证明", "建设工程设计方案", "宗地图", "不动产权籍调查成果"],
        intermediaries: &["不动产测绘", "土地估价", "建设项目使用林地可行性报告编制"],
    },
    Dept {
        name: "住房和城乡建设局",
        dd: "03",
        laws: &[
            "中华人民共和国建筑法",
            "建设工程质量管理条例",
            "中华人民共和国城市房地产管理法",
            "物业管理条例",
            "城镇排水与污水处理条例",
        ],
        items: &[
            (LICENSING, "建筑工程施工许可"),
            (PENALTY, "对未取得施工许可证擅自施工的行政处罚"),
            (LICENSING, "商品房预售许可"),
            (CONFIRMATION, "建设工程竣工验收备案"),
            (LICENSING, "城镇污水排入排水管网许可"),
            (INSPECTION, "对建设工程质量的监督检查"),
            (BENEFIT, "公共租赁住房租赁补贴发放"),
            (OTHER, "城市建筑垃圾处置核准"),
            (PENALTY, "对建设单位未组织竣工验收擅自交付使用的行政处罚"),
            (LEVY, "城市基础设施配套费征收"),
        ],
        licences: &["建筑工程施工许可", "商品房预售许可", "城镇污水排入排水管网许可"],
        subjects: &[
            "建设单位",
            "施工单位",
            "监理单位",
            "房地产开发企业",
            "物业服务企业",
            "排水户",
            "燃气经营企业",
        ],
        materials: &["建设工程规划许可证复印件", "施工合同", "工程质量安全监督手续", "施工图设计文件审查合格书"],
        intermediaries: &["施工图设计文件审查", "建设工程质量检测", "房产测绘"],
    },
    Dept {
        name: "交通运输局",
        dd: "04",
        laws: &["中华人民共和国道路运输条例", "中华人民共和国公路法", "中华人民共和国道路交通安全法"],
        items: &[
            (LICENSING, "道路旅客运输经营许可"),
            (LICENSING, "道路货物运输经营许可"),
            (PENALTY, "对未取得道路运输经营许可擅自从事道路运输经营的行政处罚"),
            (INSPECTION, "对道路运输经营者的监督检查"),
            (LICENSING, "公路超限运输许可"),
            (COERCION, "暂扣无道路运输证的车辆"),
            (LICENSING, "占用、挖掘公路许可"),
            (CONFIRMATION, "机动车驾驶员培训备案"),
        ],
        licences: &["道路旅客运输经营许可", "道路货物运输经营许可", "公路超限运输许可", "出租汽车经营许可"],
        subjects: &[
            "道路运输经营者",
            "道路旅客运输经营者",
            "道路货物运输经营者",
            "机动车维修经营者",
            "机动车驾驶员培训机构",
            "公路施工单位",
        ],
        materials: &["车辆行驶证复印件", "驾驶人员从业资格证复印件", "安全生产管理制度文本", "停车场地证明"],
        intermediaries: &["车辆综合性能检测", "公路技术状况评定"],
    },
    Dept {
        name: "卫生健康委员会",
        dd: "05",
        laws: &[
            "中华人民共和国基本医疗卫生与健康促进法",
            "中华人民共和国医师法",
            "中华人民共和国传染病防治法",
            "中华人民共和国母婴保健法",
        ],
        items: &[
            (LICENSING, "医疗机构执业登记"),
            (LICENSING, "公共场所卫生许可"),
            (PENALTY, "对未取得医疗机构执业许可证擅自执业的行政处罚"),
            (CONFIRMATION, "医师执业注册"),
            (INSPECTION, "对医疗机构的监督检查"),
            (BENEFIT, "农村部分计划生育家庭奖励扶助金发放"),
            (REWARD, "对在传染病防治工作中做出显著成绩的单位和个人的表彰"),
            (LICENSING, "母婴保健技术服务执业许可"),
        ],
        licences: &["医疗机构执业登记", "公共场所卫生许可", "母婴保健技术服务执业许可", "放射诊疗许可"],
        subjects: &["医疗机构", "公共场所经营者", "供水单位", "医师", "消毒产品生产企业", "托育机构"],
        materials: &["医疗机构设置批准书", "房屋产权证明", "卫生管理制度", "从业人员健康合格证明"],
        intermediaries: &["公共场所卫生检测", "放射诊疗建设项目职业病危害评价"],
    },
    Dept {
        name: "教育局",
        dd: "06",
        laws: &["中华人民共和国教育法", "中华人民共和国义务教育法", "中华人民共和国民办教育促进法"],
        items: &[
            (LICENSING, "民办学校办学许可"),
            (CONFIRMATION, "教师资格认定"),
            (BENEFIT, "家庭经济困难学生资助"),
            (PENALTY, "对民办学校违规办学的行政处罚"),
            (INSPECTION, "对民办学校办学行为的监督检查"),
            (REWARD, "对教育工作成绩突出的教师的奖励"),
            (OTHER, "适龄儿童少年延缓入学审批"),
        ],
        licences: &["民办学校办学许可", "校外培训机构办学许可"],
        subjects: &["民办学校", "校外培训机构", "幼儿园", "中小学校"],
        materials: &["举办者资格证明", "办学场所证明", "学校章程", "教师资格证书复印件"],
        intermediaries: &["校舍安全鉴定"],
    },
    Dept {
        name: "民政局",
        dd: "07",
        laws: &[
            "婚姻登记条例",
            "中华人民共和国民法典",
            "殡葬管理条例",
            "社会救助暂行办法",
            "中华人民共和国老年人权益保障法",
        ],
        items: &[
            (CONFIRMATION, "内地居民婚姻登记"),
            (BENEFIT, "最低生活保障金给付"),
            (BENEFIT, "特困人员救助供养金给付"),
            (CONFIRMATION, "收养登记"),
            (LICENSING, "殡葬设施建设审批"),
            (BENEFIT, "临时救助金给付"),
            (PENALTY, "对擅自兴建殡葬设施的行政处罚"),
            (CONFIRMATION, "社会团体成立登记"),
            (BENEFIT, "高龄津贴发放"),
            (INSPECTION, "对养老机构的监督检查"),
        ],
        licences: &["殡葬设施建设审批", "公益性墓地建设审批"],
        subjects: &["养老机构", "殡葬服务单位", "社会组织", "公墓经营单位"],
        materials: &["户口簿复印件", "家庭收入证明", "婚姻状况证明", "民政部门出具的审核意见"],
        intermediaries: &["养老机构消防安全评估"],
    },
    Dept {
        name: "人力资源和社会保障局",
        dd: "08",
        laws: &["中华人民共和国劳动合同法", "中华人民共和国社会保险法", "中华人民共和国就业促进法"],
        items: &[
            (LICENSING, "人力资源服务许可"),
            (LICENSING, "劳务派遣经营许可"),
            (BENEFIT, "失业保险金给付"),
            (CONFIRMATION, "工伤认定"),
            (PENALTY, "对用人单位违反劳动合同法有关规定的行政处罚"),
            (INSPECTION, "对用人单位遵守劳动保障法律法规情况的监督检查"),
            (LEVY, "社会保险费征收"),
            (ADJUDICATION, "劳动人事争议仲裁"),
            (BENEFIT, "就业困难人员社会保险补贴"),
        ],
        licences: &["人力资源服务许可", "劳务派遣经营许可"],
        subjects: &["用人单位", "人力资源服务机构", "劳务派遣单位", "职业培训机构", "社会保险定点服务机构"],
        materials: &["劳动合同文本", "社会保险缴费证明", "工伤事故调查报告", "经营场所证明"],
        intermediaries: &["劳动能力鉴定"],
    },
    Dept {
        name: "农业农村局",
        dd: "09",
        laws: &[
            "中华人民共和国种子法",
            "中华人民共和国动物防疫法",
            "中华人民共和国农产品质量安全法",
            "中华人民共和国渔业法",
            "中华人民共和国畜牧法",
        ],
        items: &[
            (LICENSING, "农作物种子生产经营许可"),
            (LICENSING, "动物防疫条件合格证核发"),
            (PENALTY, "对生产经营假、劣种子的行政处罚"),
            (LICENSING, "渔业捕捞许可"),
            (BENEFIT, "耕地地力保护补贴发放"),
            (INSPECTION, "对农产品质量安全的监督检查"),
            (CONFIRMATION, "农村土地承包经营权确认"),
            (COERCION, "查封、扣押染疫动物及其产品"),
            (LICENSING, "兽药经营许可"),
            (ADJUDICATION, "农村土地承包经营纠纷调解仲裁"),
        ],
        licences: &["农作物种子生产经营许可", "渔业捕捞许可", "兽药经营许可", "种畜禽生产经营许可"],
        subjects: &[
            "种子生产经营者",
            "兽药经营企业",
            "动物饲养场",
            "农产品生产企业",
            "渔业船舶所有人",
            "农药经营者",
            "饲料生产企业",
        ],
        materials: &["生产经营场所证明", "检验设备清单", "技术人员资格证明", "动物防疫条件自查表"],
        intermediaries: &["种子质量检验", "动物防疫条件评估"],
    },
    Dept {
        name: "生态环境局",
        dd: "10",
        laws: &[
            "中华人民共和国环境保护法",
            "中华人民共和国环境影响评价法",
            "中华人民共和国大气污染防治法",
            "中华人民共和国水污染防治法",
            "中华人民共和国固体废物污染环境防治法",
        ],
        items: &[
            (LICENSING, "建设项目环境影响评价文件审批"),
            (LICENSING, "排污许可"),
            (PENALTY, "对超标排放大气污染物的行政处罚"),
            (COERCION, "查封、扣押造成污染物排放的设施、设备"),
            (INSPECTION, "对排污单位的现场检查"),
            (LEVY, "环境保护税协助征收"),
            (REWARD, "对举报环境违法行为的奖励"),
            (PENALTY, "对未依法进行环境影响评价擅自开工建设的行政处罚"),
        ],
        licences: &["建设项目环境影响评价文件审批", "排污许可", "危险废物经营许可"],
        subjects: &[
            "排污单位",
            "建设单位",
            "危险废物产生单位",
            "机动车排放检验机构",
            "污水集中处理设施运营单位",
            "医疗废物处置单位",
        ],
        materials: &["环境影响报告书（表）", "污染防治设施说明", "排污口规范化设置图", "监测报告"],
        intermediaries: &["环境影响评价文件编制", "环境监测"],
    },
    Dept {
        name: "应急管理局",
        dd: "11",
        laws: &["中华人民共和国安全生产法", "危险化学品安全管理条例", "中华人民共和国突发事件应对法"],
        items: &[
            (LICENSING, "危险化学品经营许可"),
            (PENALTY, "对生产经营单位未按规定开展安全生产教育培训的行政处罚"),
            (INSPECTION, "对生产经营单位安全生产情况的监督检查"),
            (COERCION, "查封、扣押不符合安全生产标准的设施、设备、器材"),
            (LICENSING, "烟花爆竹经营（零售）许可"),
            (REWARD, "对报告重大事故隐患有功人员的奖励"),
            (OTHER, "生产安全事故应急预案备案"),
        ],
        licences: &["危险化学品经营许可", "烟花爆竹经营（零售）许可"],
        subjects: &[
            "生产经营单位",
            "危险化学品经营企业",
            "烟花爆竹经营单位",
            "非煤矿山企业",
            "工贸企业",
            "安全评价机构",
        ],
        materials: &["安全生产管理制度", "主要负责人安全培训合格证明", "安全评价报告", "应急救援预案"],
        intermediaries: &["安全评价", "安全设施设计审查"],
    },
    Dept {
        name: "文化广电体育和旅游局",
        dd: "12",
        laws: &[
            "营业性演出管理条例",
            "娱乐场所管理条例",
            "中华人民共和国文物保护法",
            "中华人民共和国体育法",
        ],
        items: &[
            (LICENSING, "营业性演出审批"),
            (LICENSING, "娱乐场所经营活动审批"),
            (PENALTY, "对擅自从事娱乐场所经营活动的行政处罚"),
            (INSPECTION, "对娱乐场所的监督检查"),
            (LICENSING, "高危险性体育项目经营许可"),
            (REWARD, "对发现、保护文物有功单位和个人的奖励"),
            (CONFIRMATION, "旅行社分社设立备案"),
        ],
        licences: &["营业性演出审批", "娱乐场所经营活动审批", "高危险性体育项目经营许可", "互联网上网服务营业场所经营许可"],
        subjects: &["娱乐场所经营者", "演出经营主体", "互联网上网服务营业场所经营者", "旅行社", "体育经营单位"],
        materials: &["演出节目内容说明", "经营场所平面图", "消防安全检查合格证明", "社会体育指导人员证明"],
        intermediaries: &["娱乐场所声音检测"],
    },
    Dept {
        name: "退役军人事务局",
        dd: "13",
        laws: &["中华人民共和国退役军人保障法", "军人抚恤优待条例"],
        items: &[
            (BENEFIT, "伤残人员抚恤金给付"),
            (BENEFIT, "烈士遗属定期抚恤金给付"),
            (CONFIRMATION, "退役军人伤残等级评定"),
            (BENEFIT, "退役士兵自主就业一次性经济补助金给付"),
            (REWARD, "对退役军人工作中成绩显著的单位和个人的表彰"),
        ],
        licences: &[],
        subjects: &["光荣院", "优抚医院"],
        materials: &["退役证件复印件", "伤残证明", "户口簿复印件", "医疗诊断证明"],
        intermediaries: &[],
    },
    Dept {
        name: "水利局",
        dd: "14",
        laws: &["中华人民共和国水法"],
        items: &[
            (LICENSING, "取水许可"),
            (LEVY, "水资源费征收"),
            (PENALTY, "对未经批准擅自取水的行政处罚"),
            (LICENSING, "河道管理范围内建设项目工程建设方案审批"),
            (INSPECTION, "对水利工程运行管理的监督检查"),
            (ADJUDICATION, "水事纠纷裁决"),
        ],
        licences: &["取水许可", "河道管理范围内建设项目工程建设方案审批", "生产建设项目水土保持方案审批"],
        subjects: &["取水单位", "河道采砂单位", "水利工程管理单位", "生产建设单位"],
        materials: &["取水水源论证报告", "用水计划", "工程建设方案", "水土保持方案报告书"],
        intermediaries: &["水资源论证报告编制", "水土保持方案编制"],
    },
];

/// Violations for generated penalty items: 对{subject}{violation}的行政处罚.
pub(crate) const VIOLATIONS: &[&str] = &[
    "未按规定建立并执行管理制度",
    "拒绝、阻碍监督检查",
    "伪造、变造、出租、出借许可证件",
    "未按规定报送有关材料",
    "超出核准范围从事经营活动",
    "未按规定公示有关信息",
    "隐瞒有关情况或者提供虚假材料",
    "未按规定保存有关记录",
    "未按规定开展自查",
    "未履行安全管理义务",
    "未按规定办理变更手续",
    "以欺骗、贿赂等不正当手段取得许可",
    "未按规定进行年度报告",
    "未按规定配备专业技术人员",
    "未按规定设置警示标志",
    "未按规定进行检验检测",
    "未按规定整改",
    "未按规定公开收费项目",
    "未按规定落实培训制度",
    "未按规定报告事故",
    "擅自停业、歇业",
    "未按规定使用许可证件",
    "未按规定建立台账",
    "未按规定执行技术规范",
    "未按规定签订合同",
    "未按规定接受监督",
    "未按规定办理注销手续",
    "未按规定落实消防安全措施",
    "未按规定进行信息登记",
    "未按规定处置废弃物",
    "未按规定开展风险评估",
    "未按规定制定应急预案",
    "未按规定组织应急演练",
    "未按规定进行岗前培训",
    "未按规定查验供货者资质",
    "未按规定明码标价",
    "未按规定建立投诉处理制度",
    "未按规定报告重大变更事项",
    "未按规定悬挂标识",
    "未按规定保存原始凭证",
    "未按规定开展日常维护",
    "未按规定签署承诺书",
    "未按规定履行告知义务",
    "未按规定落实实名登记制度",
    "未按规定接受年度检验",
];

/// Aspects for generated inspection items: 对{subject}{aspect}的行政检查.
pub(crate) const ASPECTS: &[&str] = &[
    "许可条件保持情况",
    "安全生产情况",
    "信息公示情况",
    "管理制度落实情况",
    "从业人员资格情况",
    "档案记录情况",
    "整改落实情况",
    "收费行为",
];

/// Templates for generated coercion items, with `{}` standing for the subject.
pub(crate) const COERCIONS: &[&str] = &[
    "查封、扣押与{}违法行为有关的财物",
    "对{}逾期不缴纳罚款的加处罚款",
    "查封{}违法从事生产经营活动的场所",
];

/// Sub-items of a licence at large sizes (full-width brackets, as catalogues write them).
pub(crate) const LICENCE_SUBS: &[&str] = &["（新办）", "（变更）", "（延续）", "（注销）"];

/// Materials every application asks for, and their rewordings in version 2
/// (same material, new name; DATA.md "What is counted for simplification").
pub(crate) const REWORDINGS: &[(&str, &str)] = &[
    ("营业执照复印件", "营业执照副本复印件"),
    ("申请书", "申请表"),
    ("身份证复印件", "身份证明复印件"),
];

/// Extra materials used by the "extra material" fault and by regressions.
pub(crate) const EXTRA_MATERIALS: &[&str] =
    &["申请人承诺书", "无违法记录证明", "情况说明", "现场照片", "相关证明材料"];

/// Materials of penalty, coercion and inspection items (case documents, not applications).
pub(crate) const CASE_MATERIALS: &[&str] =
    &["立案审批表", "现场检查笔录", "询问笔录", "证据材料", "当事人身份证明", "调查终结报告"];

/// Place-name syllables for generated county and town names (common characters, all GBK).
pub(crate) const SYLLABLES: &[&str] = &[
    "安", "宁", "平", "江", "山", "阳", "明", "德", "丰", "兴", "华", "龙", "凤", "桂", "林", "福",
    "永", "新", "东", "西", "南", "北", "石", "河", "源", "清", "水", "岭", "田", "和", "泰", "昌",
    "富", "金", "云", "青", "长", "乐", "隆", "文", "武", "宝", "城", "湖", "溪", "峰", "岩", "阁",
    "礼", "义", "仁", "高", "岗", "坪", "塘", "圩", "沙", "浦", "容", "恭", "那", "罗", "黎", "凌",
];

/// The region's cities (real Guangxi names and division codes 4501–4514).
pub(crate) const CITIES: &[(&str, &str)] = &[
    ("450100", "南宁市"),
    ("450200", "柳州市"),
    ("450300", "桂林市"),
    ("450400", "梧州市"),
    ("450500", "北海市"),
    ("450600", "防城港市"),
    ("450700", "钦州市"),
    ("450800", "贵港市"),
    ("450900", "玉林市"),
    ("451000", "百色市"),
    ("451100", "贺州市"),
    ("451200", "河池市"),
    ("451300", "来宾市"),
    ("451400", "崇左市"),
];

/// Real county-level names of 南宁市 (450102…), used before generated names.
pub(crate) const NANNING_COUNTIES: &[&str] = &[
    "兴宁区",
    "青秀区",
    "江南区",
    "西乡塘区",
    "良庆区",
    "邕宁区",
    "武鸣区",
    "隆安县",
    "马山县",
    "上林县",
    "宾阳县",
];

/// Intermediaries of generic applications.
pub(crate) const GENERIC_INTERMEDIARIES: &[&str] = &["房屋安全鉴定", "资产评估"];

/// Items some jurisdictions keep that no standard lists (the "unknown item" fault), as
/// (department index, category index, name). Their names are unlike every catalogue name, so that
/// nothing matches them by name (a test keeps them under 0.6 normalised Levenshtein similarity).
pub(crate) const LOCAL_ITEMS: &[(usize, usize, &str)] = &[
    (2, LICENSING, "改变城市绿地使用性质审批"),
    (2, LICENSING, "砍伐、迁移城市树木审批"),
    (2, PENALTY, "对擅自在城市道路两侧搭建建筑物的行政处罚"),
    (1, CONFIRMATION, "农村村民宅基地使用权确认"),
    (8, BENEFIT, "糖料蔗良种补贴发放"),
    (8, OTHER, "农机购置补贴资格审核"),
    (6, CONFIRMATION, "村（居）民委员会换届选举结果备案"),
    (6, OTHER, "地名命名、更名审核"),
    (11, LICENSING, "边境旅游组团社资格审核"),
    (3, LICENSING, "农村客运班线开通审批"),
    (13, LICENSING, "农村集中供水工程建设审批"),
    (4, REWARD, "对无偿献血先进个人的表彰"),
    (5, BENEFIT, "营养改善计划膳食补助发放"),
    (7, BENEFIT, "创业担保贷款贴息发放"),
    (12, OTHER, "烈士纪念设施保护单位申报"),
    (9, INSPECTION, "石漠化综合治理项目核查"),
    (10, OTHER, "森林防火期野外用火审批"),
    (0, CONFIRMATION, "地理标志产品专用标志使用申请审核"),
    (1, LICENSING, "古树名木迁移审批"),
    (8, LICENSING, "水产苗种生产许可"),
    (11, OTHER, "民族传统节庆活动备案"),
    (2, CONFIRMATION, "农村危房改造对象认定"),
    (3, INSPECTION, "农村公路养护质量核查"),
];
