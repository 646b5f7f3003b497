//! What the kernel says about a process and about UDP: CPU time
//! (utime + stime, all threads), proportional set size, and the UDP
//! receive errors that mean dropped datagrams.

use std::time::Instant;

/// Clock ticks per second of `/proc/PID/stat` (USER_HZ: 100 on every
/// Linux architecture we run on).
const TICKS_PER_SEC: f64 = 100.0;

/// A process's CPU time in seconds (user + system, all its threads).
pub fn cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces and parentheses: fields count from
    // the last ')'. utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_SEC)
}

/// A process's proportional set size in KB (`smaps_rollup`).
pub fn pss_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    s.lines().find_map(|l| l.strip_prefix("Pss:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The process's thread count.
pub fn threads(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find_map(|l| l.strip_prefix("Threads:")).and_then(|v| v.trim().parse().ok())
}

/// The system's UDP counters that mean a datagram was dropped on receive:
/// `RcvbufErrors` (a full socket buffer) and `InErrors` (which includes
/// them), from `/proc/net/snmp`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UdpDrops {
    pub rcvbuf_errors: u64,
    pub in_errors: u64,
}

pub fn udp_drops() -> UdpDrops {
    let s = std::fs::read_to_string("/proc/net/snmp").unwrap_or_default();
    let mut rows = s.lines().filter(|l| l.starts_with("Udp:"));
    let (Some(names), Some(values)) = (rows.next(), rows.next()) else { return UdpDrops::default() };
    let get = |name: &str| {
        names.split_whitespace().position(|n| n == name).and_then(|i| values.split_whitespace().nth(i)?.parse().ok())
    };
    UdpDrops { rcvbuf_errors: get("RcvbufErrors").unwrap_or(0), in_errors: get("InErrors").unwrap_or(0) }
}

impl UdpDrops {
    pub fn since(self, before: UdpDrops) -> UdpDrops {
        UdpDrops {
            rcvbuf_errors: self.rcvbuf_errors.saturating_sub(before.rcvbuf_errors),
            in_errors: self.in_errors.saturating_sub(before.in_errors),
        }
    }
}

/// Datagrams the kernel dropped on a process's UDP sockets (a full
/// receive buffer), from the `drops` column of `/proc/net/udp` for the
/// sockets among its open files. Sockets already closed are not counted.
pub fn socket_drops(pid: u32) -> u64 {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return 0 };
    let inodes: std::collections::HashSet<String> = fds
        .filter_map(|e| {
            let link = std::fs::read_link(e.ok()?.path()).ok()?;
            let l = link.to_str()?;
            Some(l.strip_prefix("socket:[")?.strip_suffix(']')?.to_owned())
        })
        .collect();
    let table = std::fs::read_to_string("/proc/net/udp").unwrap_or_default();
    table
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // ... uid timeout inode ref pointer drops
            let (inode, drops) = (f.get(9)?, f.last()?);
            inodes.contains(*inode).then(|| drops.parse::<u64>().ok()).flatten()
        })
        .sum()
}

/// A process's CPU time at one moment, to take a rate over a window.
#[derive(Debug, Clone, Copy)]
pub struct CpuMark {
    at: Instant,
    secs: f64,
}

impl CpuMark {
    pub fn now(pid: u32) -> Option<CpuMark> {
        Some(CpuMark { at: Instant::now(), secs: cpu_secs(pid)? })
    }

    /// CPU seconds used since `self`, and the wall seconds that passed.
    pub fn until(self, later: CpuMark) -> (f64, f64) {
        (later.secs - self.secs, later.at.duration_since(self.at).as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_process() {
        let me = std::process::id();
        assert!(cpu_secs(me).is_some());
        assert!(pss_kb(me).is_some_and(|kb| kb > 0));
        assert!(threads(me).is_some_and(|n| n >= 1));
        let _socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        assert_eq!(socket_drops(me), 0);
        let d = udp_drops();
        assert_eq!(d.since(d), UdpDrops::default());
    }
}
