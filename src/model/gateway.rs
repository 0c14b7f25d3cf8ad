//! Our own partial types for the Gateway API kinds certdoctor reads
//! (`gateway.networking.k8s.io/v1` Gateway and HTTPRoute): only the fields the checks use,
//! every one optional, so any conformant object deserialises.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::types::Condition;

/// A Gateway: the origin of gateway-shim Certificates.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct Gateway {
    /// Name, namespace, annotations, uid.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Listeners.
    #[serde(default)]
    pub spec: GatewaySpec,
    /// Addresses and conditions the Gateway controller wrote.
    #[serde(default)]
    pub status: Option<GatewayStatus>,
}

/// Desired state of a Gateway.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySpec {
    /// The Gateway's class.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway_class_name: Option<String>,
    /// Listeners.
    #[serde(default)]
    pub listeners: Vec<Listener>,
}

/// One listener of a Gateway.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    /// Listener name (what `sectionName` refers to).
    #[serde(default)]
    pub name: String,
    /// Host name the listener serves; gateway-shim skips a TLS listener without one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Port.
    #[serde(default)]
    pub port: i64,
    /// `HTTP`, `HTTPS`, `TLS`, …
    #[serde(default)]
    pub protocol: String,
    /// TLS settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTls>,
}

/// TLS settings of a listener.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    /// `Terminate` (the default) or `Passthrough`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Secrets holding the certificate (cert-manager names its Certificate after them).
    #[serde(default)]
    pub certificate_refs: Vec<SecretRef>,
}

/// A reference to a Secret from a listener.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SecretRef {
    /// Secret name.
    #[serde(default)]
    pub name: String,
    /// Kind; empty means Secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Group; empty means core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// Namespace; empty means the Gateway's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Observed state of a Gateway.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct GatewayStatus {
    /// Addresses the Gateway is reachable at (IP or host name).
    #[serde(default)]
    pub addresses: Vec<GatewayAddress>,
    /// `Accepted`, `Programmed`.
    #[serde(default)]
    pub conditions: Vec<Condition>,
}

/// One address of a Gateway.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct GatewayAddress {
    /// `IPAddress` (the default) or `Hostname`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The address.
    #[serde(default)]
    pub value: String,
}

/// An HTTPRoute (the Gateway API HTTP-01 solver creates one per Challenge).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct HttpRoute {
    /// Name, namespace, labels.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Parents and host names.
    #[serde(default)]
    pub spec: HttpRouteSpec,
    /// What each parent Gateway said about the route.
    #[serde(default)]
    pub status: Option<HttpRouteStatus>,
}

/// Desired state of an HTTPRoute.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteSpec {
    /// Gateways the route attaches to.
    #[serde(default)]
    pub parent_refs: Vec<ParentRef>,
    /// Host names.
    #[serde(default)]
    pub hostnames: Vec<String>,
    /// Rules; the solver's one rule sends the token's path to its Service.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<HttpRouteRule>,
}

/// One rule of an HTTPRoute: only its backends are read.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HttpRouteRule {
    /// Where matching requests go.
    #[serde(default)]
    pub backend_refs: Vec<BackendRef>,
}

/// A backend of a rule (a Service unless `kind` says otherwise).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct BackendRef {
    /// Object name.
    #[serde(default)]
    pub name: String,
    /// Kind; empty means `Service`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Namespace; empty means the route's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Port on the Service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

/// A route's reference to a parent Gateway.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ParentRef {
    /// Gateway name.
    #[serde(default)]
    pub name: String,
    /// Gateway namespace; empty means the route's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Listener name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_name: Option<String>,
    /// Listener port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
}

/// Observed state of an HTTPRoute.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct HttpRouteStatus {
    /// One entry per parent that processed the route.
    #[serde(default)]
    pub parents: Vec<RouteParentStatus>,
}

/// What one parent said about a route.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RouteParentStatus {
    /// The parent.
    #[serde(default)]
    pub parent_ref: ParentRef,
    /// `Accepted`, `ResolvedRefs`.
    #[serde(default)]
    pub conditions: Vec<Condition>,
}
