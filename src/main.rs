use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = lingkaran::cli::Cli::parse();
    match lingkaran::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            // A full disk or an unreachable store first in words a clerk reads, then the cause.
            use lingkaran::db::faults;
            if faults::disk_full(&e) {
                eprintln!("{}\n{}", faults::DISK_FULL.0, faults::DISK_FULL.1);
            } else if faults::unreachable(&e) {
                eprintln!("{}\n{}", faults::UNREACHABLE.0, faults::UNREACHABLE.1);
            }
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
