//! A map that holds at most a fixed number of entries, dropping the
//! oldest inserted first, for the books requests fill.

use std::collections::{HashMap, VecDeque};

#[derive(Debug)]
pub(crate) struct Bounded<V> {
    map: HashMap<String, V>,
    order: VecDeque<String>,
    capacity: usize,
}

impl<V> Bounded<V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Bounded {
            map: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn insert(&mut self, key: String, value: V) -> Option<V> {
        if !self.map.contains_key(&key) {
            while self.map.len() >= self.capacity {
                match self.order.pop_front() {
                    Some(oldest) => {
                        self.map.remove(&oldest);
                    }
                    None => break,
                }
            }
            self.order.push_back(key.clone());
        }
        self.map.insert(key, value)
    }

    pub(crate) fn get(&self, key: &str) -> Option<&V> {
        self.map.get(key)
    }

    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.map.values_mut()
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_entries_go_first() {
        let mut map = Bounded::new(3);
        for n in 0..5 {
            map.insert(format!("k{n}"), n);
        }
        assert_eq!(map.len(), 3);
        assert_eq!(map.get("k0"), None);
        assert_eq!(map.get("k1"), None);
        assert_eq!(map.get("k4"), Some(&4));
        // Replacing a value keeps its place.
        map.insert("k2".into(), 20);
        map.insert("k5".into(), 5);
        assert_eq!(map.get("k2"), None);
        assert_eq!(map.get("k3"), Some(&3));
    }
}
