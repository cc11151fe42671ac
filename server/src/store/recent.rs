//! A one-second memory of the two reads every token mint makes (its client by token
//! hash, its session by id), so minting does not wait on the database twice.
//!
//! Every write that could change a remembered row forgets all of them at once (one
//! generation counter, bumped after the write commits; a read remembers the
//! generation it started under, so a read racing a write is never kept). On this
//! instance a revocation is therefore seen by the very next request; the one second
//! bounds how stale another instance sharing the database may be.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Mutex,
    },
    time::{Duration, Instant},
};

use super::sessions::SessionRow;

/// How long a read is trusted.
pub const TTL: Duration = Duration::from_secs(1);
/// Past this many remembered rows the memory starts over (a bound, not an LRU).
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct RecentReads {
    generation: AtomicU64,
    pub(super) sessions: Memo<SessionRow>,
    pub(super) clients: Memo<String>,
}

impl RecentReads {
    /// Call before a read whose result will be remembered.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Call after any committed write to sessions or to a client's token.
    pub(super) fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    pub(super) fn get<V: Clone>(&self, memo: &Memo<V>, key: &str) -> Option<V> {
        memo.get(key, self.generation())
    }
}

pub(super) struct Memo<V> {
    entries: Mutex<HashMap<String, (V, u64, Instant)>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Memo<V> {
    fn get(&self, key: &str, generation: u64) -> Option<V> {
        let entries = self.entries.lock().expect("recent reads lock");
        let (value, read_under, at) = entries.get(key)?;
        (*read_under == generation && at.elapsed() < TTL).then(|| value.clone())
    }

    /// Remembers `value`, read under `generation`.
    pub(super) fn put(&self, key: &str, value: V, generation: u64) {
        let mut entries = self.entries.lock().expect("recent reads lock");
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(key.to_owned(), (value, generation, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_or_a_second_forgets_and_a_racing_read_is_not_kept() {
        let r = RecentReads::default();
        let g = r.generation();
        r.clients.put("h", "client_1".into(), g);
        assert_eq!(r.get(&r.clients, "h").as_deref(), Some("client_1"));
        r.forget_all();
        assert_eq!(r.get(&r.clients, "h"), None, "a write forgets");

        // A read that started before a write and finished after it is not trusted.
        let before = r.generation();
        r.forget_all();
        r.clients.put("h", "stale".into(), before);
        assert_eq!(r.get(&r.clients, "h"), None);

        let g = r.generation();
        r.clients.put("h", "client_1".into(), g);
        std::thread::sleep(TTL + Duration::from_millis(50));
        assert_eq!(r.get(&r.clients, "h"), None, "a second forgets");
    }
}
