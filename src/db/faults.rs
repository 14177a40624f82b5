//! What a storage failure means for the caller, read from the error's chain: the store out of
//! reach for a while (PostgreSQL stopped or restarting; the edges answer 503 and a client
//! retries), or a full disk (a clear error; nothing committed is lost, and the same work run
//! again finishes once there is room). One place, so the API, the pages and the CLI say the
//! same.

/// Whether `e` says the store cannot be reached right now: the pool timed out or closed, the
/// connection broke, or PostgreSQL is shutting down or starting (`57P01`, `57P02`, `57P03`).
pub fn unreachable(e: &anyhow::Error) -> bool {
    use std::io::ErrorKind::*;
    e.chain().any(|c| {
        let by_sqlx = c.downcast_ref::<sqlx::Error>().is_some_and(|s| match s {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
            sqlx::Error::Database(d) => {
                matches!(d.code().as_deref(), Some("57P01" | "57P02" | "57P03"))
            }
            _ => false,
        });
        let by_os = c.downcast_ref::<std::io::Error>().is_some_and(|io| {
            matches!(
                io.kind(),
                ConnectionRefused | ConnectionReset | ConnectionAborted | BrokenPipe | NotConnected
            )
        });
        by_sqlx || by_os
    })
}

/// Whether `e` is a full disk: SQLite's `SQLITE_FULL` (13), PostgreSQL's `disk_full`
/// (53100), or a write the operating system refused for want of space (ENOSPC) or quota.
pub fn disk_full(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        let by_sqlx = c.downcast_ref::<sqlx::Error>().is_some_and(|s| match s {
            sqlx::Error::Database(d) => matches!(d.code().as_deref(), Some("13" | "53100")),
            sqlx::Error::Io(io) => io_full(io),
            _ => false,
        });
        let by_os = c.downcast_ref::<std::io::Error>().is_some_and(io_full);
        by_sqlx || by_os
    })
}

fn io_full(io: &std::io::Error) -> bool {
    io.kind() == std::io::ErrorKind::StorageFull
        || io.kind() == std::io::ErrorKind::QuotaExceeded
        || io.raw_os_error() == Some(28)
}

/// The sentence a person reads for a full disk, in Bahasa Indonesia and English.
pub const DISK_FULL: (&str, &str) = (
    "Disk server penuh. Tidak ada yang hilang: kosongkan ruang disk, lalu ulangi pekerjaan yang sama.",
    "The server's disk is full. Nothing is lost: free some disk space, then run the same work again.",
);

/// The sentence for a store out of reach.
pub const UNREACHABLE: (&str, &str) = (
    "Basis data sedang tidak dapat dihubungi. Tidak ada yang hilang; coba lagi sebentar lagi.",
    "The database cannot be reached right now. Nothing is lost; try again in a moment.",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_is_unreachable_and_enospc_is_a_full_disk() {
        let refused = anyhow::Error::from(sqlx::Error::Io(std::io::Error::from(
            std::io::ErrorKind::ConnectionRefused,
        )));
        assert!(unreachable(&refused));
        assert!(!disk_full(&refused));
        let timed_out = anyhow::Error::from(sqlx::Error::PoolTimedOut).context("booking");
        assert!(unreachable(&timed_out));
        let full = anyhow::Error::from(std::io::Error::from_raw_os_error(28)).context("writing");
        assert!(disk_full(&full));
        assert!(!unreachable(&full));
        let other = anyhow::anyhow!("something else");
        assert!(!unreachable(&other) && !disk_full(&other));
    }
}
