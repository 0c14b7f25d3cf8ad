//! Failures answered as a Kubernetes `Status` object, worded like the real API server's.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::resources::ResourceDef;

#[derive(Debug)]
pub struct ApiError {
    pub code: u16,
    reason: &'static str,
    message: String,
    details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code,
            reason,
            message: message.into(),
            details: Some(json!({})),
        }
    }

    /// `details` naming the object, as the real server's NotFound/Conflict/Forbidden do.
    pub fn about(mut self, def: &ResourceDef, name: Option<&str>) -> Self {
        let mut details = json!({"group": def.group, "kind": def.plural});
        if let Some(name) = name {
            details["name"] = json!(name);
        }
        self.details = Some(details);
        self
    }

    pub fn body(&self) -> Value {
        let mut status = json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": self.message, "reason": self.reason,
        });
        if let Some(details) = &self.details {
            status["details"] = details.clone();
        }
        status["code"] = json!(self.code);
        status
    }

    pub fn unauthorized() -> Self {
        ApiError {
            details: None,
            ..Self::new(401, "Unauthorized", "Unauthorized")
        }
    }

    pub fn unknown_resource() -> Self {
        let message = "the server could not find the requested resource";
        Self::new(404, "NotFound", message)
    }

    pub fn method_not_allowed() -> Self {
        let message = "the server does not allow this method on the requested resource";
        Self::new(405, "MethodNotAllowed", message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn not_found(def: &ResourceDef, name: &str) -> Self {
        let message = format!("{} {name:?} not found", def.qualified());
        Self::new(404, "NotFound", message).about(def, Some(name))
    }

    pub fn conflict(def: &ResourceDef, name: &str) -> Self {
        let message = format!(
            "Operation cannot be fulfilled on {} {name:?}: the object has been modified; \
             please apply your changes to the latest version and try again",
            def.qualified()
        );
        Self::new(409, "Conflict", message).about(def, Some(name))
    }

    pub fn expired() -> Self {
        Self::new(
            410,
            "Expired",
            "The provided continue parameter is too old to display a consistent list result. \
             You can start a new list without the continue parameter.",
        )
    }

    /// The answer to an injected status code.
    pub fn injected(code: u16) -> Self {
        let reason = match code {
            409 => "Conflict",
            _ if code >= 500 => "InternalError",
            _ => "Unknown",
        };
        let text = StatusCode::from_u16(code)
            .ok()
            .and_then(|c| c.canonical_reason())
            .unwrap_or("fault");
        Self::new(code, reason, format!("injected fault: {code} {text}"))
    }
}
