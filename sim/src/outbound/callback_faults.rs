//! Faults applied to outbound deliveries (`POST /_sim/callback-faults`): drop, duplicate or
//! delay the next N deliveries of a target.

use super::Target;
use serde_json::{json, Value};
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum CallbackAction {
    /// Never sent.
    Drop,
    /// Sent twice.
    Duplicate,
    /// Held back this many milliseconds, so later deliveries overtake it.
    Delay(u64),
}

#[derive(Clone, Debug)]
pub struct CallbackFault {
    pub id: String,
    /// `None` matches every target (`"*"`).
    pub target: Option<Target>,
    pub action: CallbackAction,
    pub remaining: u32,
}

impl CallbackFault {
    pub fn to_json(&self) -> Value {
        let (action, delay) = match self.action {
            CallbackAction::Drop => ("drop", None),
            CallbackAction::Duplicate => ("duplicate", None),
            CallbackAction::Delay(ms) => ("delay", Some(ms)),
        };
        json!({
            "id": self.id,
            "target": self.target.map_or("*", Target::as_str),
            "action": action,
            "delay_ms": delay,
            "count": self.remaining,
        })
    }
}

#[derive(Default)]
pub struct CallbackFaults {
    pending: Mutex<Vec<CallbackFault>>,
}

impl CallbackFaults {
    pub fn add(&self, fault: CallbackFault) {
        self.lock().push(fault);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn list(&self) -> Vec<Value> {
        self.lock().iter().map(CallbackFault::to_json).collect()
    }

    /// The action for the next delivery to `target`, consuming one use of the oldest match.
    pub fn take(&self, target: Target) -> Option<CallbackAction> {
        let mut pending = self.lock();
        let idx = pending
            .iter()
            .position(|f| f.target.is_none_or(|t| t == target))?;
        let action = pending[idx].action;
        pending[idx].remaining = pending[idx].remaining.saturating_sub(1);
        if pending[idx].remaining == 0 {
            pending.remove(idx);
        }
        Some(action)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<CallbackFault>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}
