//! What the server holds: the objects, the resourceVersion counter, paging tokens, the
//! recorded requests, and what the test set up (faults, RBAC denials, missing groups,
//! interleaved writes). One mutex, never held across an await.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, MutexGuard};

use serde_json::{Value, json};

use super::resources::ResourceDef;
use super::{Fault, RecordedRequest};

/// (namespace, name); the namespace is empty for cluster-scoped kinds.
pub type Key = (String, String);

#[derive(Default)]
pub struct Store {
    /// plural -> key -> object; BTreeMap keeps LIST order.
    pub objects: HashMap<&'static str, BTreeMap<Key, Value>>,
    pub rv: u64,
    uids: u64,
    pub continues: HashMap<String, ContinueToken>,
    pub requests: Vec<RecordedRequest>,
    pub faults: Vec<Fault>,
    pub forbidden: HashSet<(String, String)>,
    pub uninstalled: HashSet<String>,
    /// Status writes of another client, each applied when the next PUT to its object's
    /// status arrives.
    pub interleaved: Vec<Interleaved>,
    /// Every change, oldest first, for watches.
    pub events: Vec<Event>,
    /// Watch requests still to answer with 410 Gone (as if their resourceVersion were
    /// compacted away).
    pub expire_watches: usize,
    /// Whether a request without credentials is served (see
    /// [`super::FakeApiServer::allow_anonymous`]).
    pub anonymous: bool,
}

/// One change of a stored object, as a watch sends it.
pub struct Event {
    pub rv: u64,
    pub plural: &'static str,
    pub namespace: String,
    /// `ADDED`, `MODIFIED` or `DELETED`.
    pub type_: &'static str,
    pub object: Value,
}

/// Where a paged LIST left off.
pub struct ContinueToken {
    pub plural: &'static str,
    pub after: Key,
}

/// Another client's status write, waiting for a PUT to land in the middle of.
pub struct Interleaved {
    pub plural: &'static str,
    pub key: Key,
    pub status: Value,
}

pub fn lock(state: &Mutex<Store>) -> MutexGuard<'_, Store> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Store {
    pub fn insert(&mut self, mut obj: Value) {
        let api_version = obj["apiVersion"].as_str().unwrap_or_default().to_owned();
        let kind = obj["kind"].as_str().unwrap_or_default().to_owned();
        let def = ResourceDef::by_kind(&api_version, &kind)
            .unwrap_or_else(|| panic!("fake API server does not know {api_version:?} {kind:?}"));
        if !obj["metadata"].is_object() {
            obj["metadata"] = json!({});
        }
        let name = obj["metadata"]["name"]
            .as_str()
            .expect("object needs metadata.name")
            .to_owned();
        self.rv += 1;
        let has_spec = obj.get("spec").is_some();
        let meta = obj["metadata"]
            .as_object_mut()
            .expect("metadata is an object");
        if def.namespaced && !meta.contains_key("namespace") {
            meta.insert("namespace".into(), json!("default"));
        }
        if !meta.contains_key("uid") {
            self.uids += 1;
            meta.insert("uid".into(), json!(format!("uid-{}", self.uids)));
        }
        if !meta.contains_key("creationTimestamp") {
            meta.insert("creationTimestamp".into(), json!(crate::support::NOW));
        }
        if has_spec && !meta.contains_key("generation") {
            meta.insert("generation".into(), json!(1));
        }
        meta.insert("resourceVersion".into(), json!(self.rv.to_string()));
        let key = def.key(meta.get("namespace").and_then(Value::as_str), &name);
        let objects = self.objects.entry(def.plural).or_default();
        let type_ = if objects.contains_key(&key) {
            "MODIFIED"
        } else {
            "ADDED"
        };
        self.events.push(Event {
            rv: self.rv,
            plural: def.plural,
            namespace: key.0.clone(),
            type_,
            object: obj.clone(),
        });
        objects.insert(key, obj);
    }

    pub fn get(&self, def: &ResourceDef, key: &Key) -> Option<&Value> {
        self.objects.get(def.plural)?.get(key)
    }

    /// Replaces `.status` and bumps the resourceVersion. Panics if the object is absent.
    pub fn set_status(&mut self, def: &ResourceDef, key: &Key, status: Value) {
        self.rv += 1;
        let rv = self.rv.to_string();
        let obj = self
            .objects
            .get_mut(def.plural)
            .and_then(|objs| objs.get_mut(key))
            .unwrap_or_else(|| panic!("set_status: no {} {key:?}", def.kind));
        obj["status"] = status;
        obj["metadata"]["resourceVersion"] = json!(rv);
        let object = obj.clone();
        self.events.push(Event {
            rv: self.rv,
            plural: def.plural,
            namespace: key.0.clone(),
            type_: "MODIFIED",
            object,
        });
    }

    /// Applies the interleaved write waiting for this object, if any.
    pub fn run_interleaved(&mut self, def: &ResourceDef, key: &Key) {
        let waiting = self
            .interleaved
            .iter()
            .position(|w| w.plural == def.plural && &w.key == key);
        if let Some(idx) = waiting {
            let write = self.interleaved.remove(idx);
            self.set_status(def, key, write.status);
        }
    }

    /// Finds the first matching fault and consumes one of its uses.
    pub fn take_fault(&mut self, method: &str, target: &str) -> Option<Fault> {
        let idx = self.faults.iter().position(|f| {
            f.method
                .as_ref()
                .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && target.contains(&f.path_contains)
                && f.times != Some(0)
        })?;
        let fault = self.faults[idx].clone();
        if let Some(times) = &mut self.faults[idx].times {
            *times -= 1;
            if *times == 0 {
                self.faults.remove(idx);
            }
        }
        Some(fault)
    }
}
