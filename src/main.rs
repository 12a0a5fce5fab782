//! The `qingdan` binary: parses arguments, calls the library, maps the outcome to an exit code
//! (0 clean, 1 findings at or above --fail-on, 2 the run could not be done).

use clap::Parser;

fn main() {
    let cli = qingdan::cmd::Cli::parse();
    let zh = cli.global.lang == qingdan::report::Lang::Zh;
    let code = match qingdan::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("{}", qingdan::cmd::error_line(&err, zh));
            2
        }
    };
    std::process::exit(code);
}
