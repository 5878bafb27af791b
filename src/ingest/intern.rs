//! Dense integer codes for ids, ordered by the ids' text, and the first-occurrence check of
//! duplicate ids.

use super::*;

/// Dense integer codes for the ids of one kind.
///
/// The ids' text lies in one string, end to end, and the map goes from a 64-bit hash of the text
/// to its code: a lookup touches the compact text, not a heap allocation per id (with a million
/// client ids, those cache misses were a fifth of a network-scale run). Two ids with the same hash
/// are still told apart: the later one is kept in `collided` by its text.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    by_hash: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    collided: HashMap<Box<str>, u32>,
    text: String,
    /// Where each code's text ends in `text` (it starts where the previous one ends).
    ends: Vec<usize>,
    hasher: PlFixedStateQuality,
    /// The last code handed out: exports list a clinic's or a clinician's rows together, so most
    /// lookups repeat the previous one and skip the hash.
    last: Option<u32>,
}

/// The map's keys are hashes already.
#[derive(Default)]
pub(super) struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

impl Interner {
    pub fn code(&mut self, name: &str) -> u32 {
        if let Some(last) = self.last {
            if self.name(last) == name {
                return last;
            }
        }
        let hash = self.hasher.hash_one(name);
        let code = match self.by_hash.get(&hash) {
            Some(&code) if self.name(code) == name => code,
            Some(_) => match self.collided.get(name) {
                Some(&code) => code,
                None => {
                    let code = self.push(name);
                    self.collided.insert(name.into(), code);
                    code
                }
            },
            None => {
                let code = self.push(name);
                self.by_hash.insert(hash, code);
                code
            }
        };
        self.last = Some(code);
        code
    }

    fn push(&mut self, name: &str) -> u32 {
        self.text.push_str(name);
        self.ends.push(self.text.len());
        (self.ends.len() - 1) as u32
    }

    pub fn name(&self, code: u32) -> &str {
        let code = code as usize;
        let start = if code == 0 { 0 } else { self.ends[code - 1] };
        &self.text[start..self.ends[code]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Interns every id of `other`; returns other's code → this interner's code.
    pub(super) fn absorb(&mut self, other: &Interner) -> Vec<u32> {
        (0..other.len() as u32).map(|code| self.code(other.name(code))).collect()
    }

    /// Renumbers codes so that code order is the ids' text order; returns old code → new code.
    pub(super) fn sort(&mut self) -> Vec<u32> {
        // Sorted on each id's first eight bytes (zero-padded, big-endian, so that they compare as
        // the text does), the text itself only on a tie: most comparisons stay in the vector.
        let prefix = |name: &str| {
            let mut bytes = [0u8; 8];
            let head = &name.as_bytes()[..name.len().min(8)];
            bytes[..head.len()].copy_from_slice(head);
            u64::from_be_bytes(bytes)
        };
        let mut keyed: Vec<(u64, u32)> = (0..self.len() as u32).map(|c| (prefix(self.name(c)), c)).collect();
        keyed.sort_unstable_by(|&(pa, a), &(pb, b)| pa.cmp(&pb).then_with(|| self.name(a).cmp(self.name(b))));
        let order: Vec<u32> = keyed.into_iter().map(|(_, code)| code).collect();
        let mut remap = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u32;
        }
        let mut sorted = Interner { hasher: self.hasher.clone(), ..Interner::default() };
        for &old in &order {
            sorted.code(self.name(old));
        }
        *self = sorted;
        remap
    }
}

/// Old code → new code for each kind of id.
pub(super) struct Renumbering {
    pub(super) clinics: Vec<u32>,
    pub(super) clinicians: Vec<u32>,
    pub(super) clients: Vec<u32>,
}

impl Renumbering {
    pub(super) fn apply(
        &self,
        sessions: Option<&mut Sessions>,
        waitlist: Option<&mut Waitlist>,
        admin: Option<&mut AdminTime>,
        roster: Option<&mut Roster>,
        wellbeing: Option<&mut Wellbeing>,
    ) {
        if let Some(s) = sessions {
            apply(&self.clinics, &mut s.clinic);
            apply(&self.clinicians, &mut s.clinician);
            apply(&self.clients, &mut s.client);
        }
        if let Some(w) = waitlist {
            apply(&self.clinics, &mut w.clinic);
            apply(&self.clients, &mut w.client);
        }
        let staff =
            [admin.map(|a| (&mut a.clinic, &mut a.clinician)), roster.map(|r| (&mut r.clinic, &mut r.clinician))];
        for (clinic, clinician) in
            staff.into_iter().flatten().chain(wellbeing.map(|w| (&mut w.clinic, &mut w.clinician)))
        {
            apply(&self.clinics, clinic);
            apply(&self.clinicians, clinician);
        }
    }
}

pub(super) fn apply(remap: &[u32], codes: &mut [u32]) {
    for code in codes {
        *code = remap[*code as usize];
    }
}

/// Duplicate-id detection without keeping every id's text: a 64-bit hash per id, from a hasher
/// with a fixed seed so that runs are repeatable.
#[derive(Default)]
pub(super) struct SeenIds(PlHashSet<u64>, PlFixedStateQuality);

impl SeenIds {
    pub(super) fn first_time(&mut self, id: &str) -> bool {
        let hash = self.1.hash_one(id);
        self.0.insert(hash)
    }
}

/// Duplicate detection for millions of ids, where a hash-set insert per row (a cache miss each)
/// costs more than parsing the row: `Collect` only gathers the hashes, for one sort once every
/// part is read (`load::repeated`); `Known` then rejects the rows that sort found to repeat an
/// earlier id, counting accepted rows from the top of the file.
pub(super) enum IdCheck {
    Collect(Vec<u64>, PlFixedStateQuality),
    Known {
        /// Accepted rows (numbered from 0 in file order) to reject, ascending.
        repeats: Vec<u64>,
        /// The number of the next accepted row.
        next: u64,
        /// The first of `repeats` not yet passed.
        at: usize,
    },
}

impl IdCheck {
    pub(super) fn collect() -> IdCheck {
        IdCheck::Collect(Vec::new(), PlFixedStateQuality::default())
    }

    pub(super) fn first_time(&mut self, id: &str) -> bool {
        match self {
            IdCheck::Collect(hashes, state) => {
                hashes.push(state.hash_one(id));
                true
            }
            IdCheck::Known { repeats, next, at } => {
                let row = *next;
                *next += 1;
                if repeats.get(*at) == Some(&row) {
                    *at += 1;
                    false
                } else {
                    true
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_ids_keep_their_text_and_sort_by_it() {
        let mut ids = Interner::default();
        let names = ["C-02", "C-10", "C-01", "C-02", "", "C-1"];
        let codes: Vec<u32> = names.iter().map(|n| ids.code(n)).collect();
        assert_eq!(codes, [0, 1, 2, 0, 3, 4]);
        assert_eq!(ids.len(), 5);
        for (name, code) in names.iter().zip(&codes) {
            assert_eq!(ids.name(*code), *name);
        }
        let remap = ids.sort();
        let sorted: Vec<&str> = (0..ids.len() as u32).map(|c| ids.name(c)).collect();
        assert_eq!(sorted, ["", "C-01", "C-02", "C-1", "C-10"]);
        // Past the eight bytes sorted on first, and ids that are prefixes of others.
        let mut long = Interner::default();
        for name in ["client-000012", "client-000002", "client-00001", "client-0", "client-", "clien"] {
            long.code(name);
        }
        long.sort();
        let sorted: Vec<&str> = (0..long.len() as u32).map(|c| long.name(c)).collect();
        assert_eq!(sorted, ["clien", "client-", "client-0", "client-000002", "client-00001", "client-000012"]);
        assert_eq!(ids.name(remap[codes[0] as usize]), "C-02");
        assert_eq!(ids.code("C-10"), 4, "lookups after sorting use the new codes");
    }

    #[test]
    fn two_ids_with_the_same_hash_stay_apart() {
        let mut ids = Interner::default();
        assert_eq!(ids.code("A"), 0);
        // Pretend "B" hashes like "A": it must get a code of its own, found again by its text.
        let hash_b = ids.hasher.hash_one("B");
        ids.by_hash.insert(hash_b, 0);
        ids.last = None;
        assert_eq!(ids.code("B"), 1);
        assert_eq!(ids.code("A"), 0);
        assert_eq!(ids.code("B"), 1);
        assert_eq!(ids.name(1), "B");
    }
}
