use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = lingkaran::cli::Cli::parse();
    match lingkaran::cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}
