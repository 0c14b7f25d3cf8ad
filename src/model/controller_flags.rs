//! The cert-manager controller flags that change what it does, read from its container
//! arguments as Go's flag package reads them. Only `--namespace` so far: with it the
//! controller watches one namespace and disables ClusterIssuers
//! (`cmd/controller/app/options`). A dump keeps exactly these flags of the controller's
//! Deployment (rebuilt, never filtered), so a dump is judged as the live cluster is.

/// The value of `--namespace` (as `--namespace=NS` or `--namespace NS`, one or two dashes);
/// `None` when absent or empty (every namespace).
pub fn namespace_flag(args: &[String]) -> Option<String> {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let name = a.trim_start_matches('-');
        if a.len() - name.len() > 2 || !a.starts_with('-') {
            continue;
        }
        let value = match name.split_once('=') {
            Some(("namespace", v)) => v.to_string(),
            None if name == "namespace" => it.next().cloned().unwrap_or_default(),
            _ => continue,
        };
        return Some(value).filter(|v| !v.is_empty());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::namespace_flag;

    #[test]
    fn the_namespace_flag_is_read_as_go_reads_it() {
        let v = |a: &[&str]| namespace_flag(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            v(&["--v=2", "--namespace=platform"]),
            Some("platform".into())
        );
        assert_eq!(v(&["-namespace", "platform"]), Some("platform".into()));
        assert_eq!(v(&["--namespace="]), None);
        assert_eq!(v(&["--cluster-resource-namespace=cert-manager"]), None);
        assert_eq!(v(&["--leader-election-namespace=kube-system"]), None);
        assert_eq!(v(&["---namespace=x"]), None);
        assert_eq!(v(&[]), None);
    }
}
