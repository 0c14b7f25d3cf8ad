//! The Challenge level's remedies, kept out of the control flow of `challenge`: the fix for
//! each way a Challenge stands (the CA's verdict, an error of cert-manager's own, a cleanup
//! that fails, a Present that fails, a self-check that does not pass).

pub const CAA: &str = "Add a CAA record allowing the CA (for Let's Encrypt: `0 issue \"letsencrypt.org\"`), or remove the restrictive one.";
pub const INVALID: &str = "This is the CA's verdict, from the internet: fix what its message says (DNS, firewall, the path served). cert-manager removed the solver when the Challenge failed, so a probe now cannot show what the CA saw.";
pub const ERRORED: &str = "cert-manager stopped on a client or API error (not a CA verdict) and does not retry this Challenge. Fix the error in the message (API access, the ACME account, the CA's reachability).";
pub const EXPIRED: &str = "The authorization ran out before the CA validated it (the self-check never passed, or the controller stopped). Fix why.";
pub const CLEANUP_DNS01: &str = "The DNS provider refuses to delete the TXT record (credentials rotated or revoked, zone permissions): fix the solver's credentials; until then the Challenge keeps its name blocked in cert-manager's queue. The PresentError/CleanUpError events have the provider's full error.";
pub const CLEANUP_HTTP01: &str = "cert-manager cannot delete the solver's Pod, Service or Ingress (RBAC, a finalizer, an admission webhook): fix that; until then the Challenge keeps its name blocked in cert-manager's queue.";
pub const STUCK_DELETING: &str = "cert-manager removes the finalizer once cleanup succeeds; if the controller is not running (or was uninstalled first), nothing ever will. Start the controller, or, when the solver's record and resources are already gone, remove the finalizer by hand.";
pub const PRESENT_DNS01: &str = "The DNS provider call failed: check the solver's credentials Secret, its key names and the zone it is allowed to edit; the PresentError event has the full provider error (from v1.20 the Challenge status may carry it redacted).";
pub const PRESENT_HTTP01: &str = "The HTTP-01 solver resources (Ingress/HTTPRoute, Service, Pod) could not be created: check RBAC, admission webhooks and the events. Nothing is served until Present succeeds, so a probe would show nothing useful.";
pub const NOT_PROPAGATED_DNS01: &str = "The TXT record is not visible at every authoritative nameserver, from here either: the DNS findings under this Challenge say which server lacks it.";
pub const NOT_PROPAGATED_HTTP01: &str = "The token cannot be fetched over HTTP from here either: the HTTP-01 findings under this Challenge show what is served instead.";
