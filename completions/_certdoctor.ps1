
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'certdoctor' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'certdoctor'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'certdoctor' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('diagnose', 'diagnose', [CompletionResultType]::ParameterValue, 'Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one certificate''s whole chain with a verdict, or a table of all certificates')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for one certificate or a fleet')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write the completion scripts and man pages into DIR (for packagers and the repository)')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off (private keys and non-certificate Secret data removed)')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that cert-manager is usable (for install scripts and CI)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print what a finding code means and how to fix it, offline (like `rustc --explain`)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys, issuers, CA distribution) against the cluster; say what cannot be checked')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certdoctor;diagnose' {
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Print at most N certificate blocks after the fleet summary')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Recursive resolver to use instead of the system''s (repeatable), e.g. 1.1.1.1 or 10.0.0.2:5353')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Send the HTTP-01 request or TLS handshake for HOST:PORT to ADDR:PORT instead (curl''s --connect-to; repeatable)')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Give up on one DNS query or HTTP request after this long')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Probes in flight at once')
            [CompletionResult]::new('--dns-port', '--dns-port', [CompletionResultType]::ParameterName, 'Port queried on authoritative nameservers (53; a test seam for servers on high ports)')
            [CompletionResult]::new('--http-port', '--http-port', [CompletionResultType]::ParameterName, 'Port the HTTP-01 fetch connects to on each resolved address (80; a test seam)')
            [CompletionResult]::new('--https-port', '--https-port', [CompletionResultType]::ParameterName, 'Port the TLS probe connects to on each resolved address (443; a test seam)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Skip the network probes (DNS, HTTP-01, CAA): cluster state only')
            [CompletionResult]::new('--tree', '--tree', [CompletionResultType]::ParameterName, 'Print the whole walk of each certificate (every finding with its evidence, fix and commands), as -o wide does')
            [CompletionResult]::new('--details', '--details', [CompletionResultType]::ParameterName, 'Print every unhealthy certificate''s block even when a fleet summary leads the report (more than 20 unhealthy); without it the blocks stop after 20')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Also list the Pods in scope and report those that may serve an old copy of a Certificate''s Secret (subPath mount, env vars, started before the last issuance)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;status' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep it on screen and update it as cert-manager moves (the API''s watch); with -o json or yaml, one document per change. Ctrl-C to stop')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep it on screen and update it as cert-manager moves (the API''s watch); with -o json or yaml, one document per change. Ctrl-C to stop')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;inspect' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret''s certificate. Needs no cluster without --secret')
            [CompletionResult]::new('file', 'file', [CompletionResultType]::ParameterValue, 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certdoctor;inspect;secret' {
            [CompletionResult]::new('--warn-within', '--warn-within', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;inspect;url' {
            [CompletionResult]::new('--secret', '--secret', [CompletionResultType]::ParameterName, 'Compare the served leaf with this TLS Secret''s (public key and serial; reads the cluster)')
            [CompletionResult]::new('--connect-to', '--connect-to', [CompletionResultType]::ParameterName, 'Connect to ADDR:PORT instead of resolving HOST:PORT (curl''s --connect-to; repeatable)')
            [CompletionResult]::new('--nameserver', '--nameserver', [CompletionResultType]::ParameterName, 'Recursive resolver to use instead of the system''s (repeatable)')
            [CompletionResult]::new('--probe-timeout', '--probe-timeout', [CompletionResultType]::ParameterName, 'Give up on one DNS query or TLS handshake after this long')
            [CompletionResult]::new('--warn-within', '--warn-within', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;inspect;file' {
            [CompletionResult]::new('--warn-within', '--warn-within', [CompletionResultType]::ParameterName, 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;inspect;help' {
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret''s certificate. Needs no cluster without --secret')
            [CompletionResult]::new('file', 'file', [CompletionResultType]::ParameterValue, 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certdoctor;inspect;help;secret' {
            break
        }
        'certdoctor;inspect;help;url' {
            break
        }
        'certdoctor;inspect;help;file' {
            break
        }
        'certdoctor;inspect;help;help' {
            break
        }
        'certdoctor;renew' {
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be renewed without changing anything (`=server`: let the API server validate the writes)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'How long --wait waits in all (e.g. 5m, 90s)')
            [CompletionResult]::new('--poll-interval', '--poll-interval', [CompletionResultType]::ParameterName, 'How often --wait re-reads the cluster')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Renew every certificate in the namespace (with -A: in every namespace)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Renew also certificates that are already issuing')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'After triggering, wait until each certificate is Ready with a new revision')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation before renewing many certificates across namespaces')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation before renewing many certificates across namespaces')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;generate-assets' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;dump' {
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write one file per context (CONTEXT.yaml) into this directory instead of stdout; needed with --all-contexts or several --context names')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Also list every Pod in scope and write it, for `diagnose --consumers --from-file`: volumes, mounts and the Secrets read into env vars (names and keys, never a value)')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;approve' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'The condition''s reason')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The condition''s message (default: `manually approved by "certdoctor"`, or denied)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be written without changing anything (`=server`: let the API server validate the write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;deny' {
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'The condition''s reason')
            [CompletionResult]::new('--message', '--message', [CompletionResultType]::ParameterName, 'The condition''s message (default: `manually approved by "certdoctor"`, or denied)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be written without changing anything (`=server`: let the API server validate the write)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;check' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certdoctor;check;api' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Keep checking until the API is usable or this much time has passed (0s: check once)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'Time between two checks while waiting')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;check;help' {
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certdoctor;check;help;api' {
            break
        }
        'certdoctor;check;help;help' {
            break
        }
        'certdoctor;explain' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--list', '--list', [CompletionResultType]::ParameterName, 'List every code with its severity and one-line meaning')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;audit' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'Namespace to look in (default: the context''s namespace)')
            [CompletionResult]::new('-l', '-l', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--selector', '--selector', [CompletionResultType]::ParameterName, 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Impersonate this user for every API request, as kubectl --as')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)')
            [CompletionResult]::new('--from-file', '--from-file', [CompletionResultType]::ParameterName, 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it')
            [CompletionResult]::new('--all-contexts', '--all-contexts', [CompletionResultType]::ParameterName, 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Look in every namespace')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'certdoctor;help' {
            [CompletionResult]::new('diagnose', 'diagnose', [CompletionResultType]::ParameterValue, 'Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show one certificate''s whole chain with a verdict, or a table of all certificates')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)')
            [CompletionResult]::new('renew', 'renew', [CompletionResultType]::ParameterValue, 'Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for one certificate or a fleet')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print the shell completion script for SHELL')
            [CompletionResult]::new('generate-assets', 'generate-assets', [CompletionResultType]::ParameterValue, 'Write the completion scripts and man pages into DIR (for packagers and the repository)')
            [CompletionResult]::new('dump', 'dump', [CompletionResultType]::ParameterValue, 'Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off (private keys and non-certificate Secret data removed)')
            [CompletionResult]::new('approve', 'approve', [CompletionResultType]::ParameterValue, 'Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)')
            [CompletionResult]::new('deny', 'deny', [CompletionResultType]::ParameterValue, 'Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that cert-manager is usable (for install scripts and CI)')
            [CompletionResult]::new('explain', 'explain', [CompletionResultType]::ParameterValue, 'Print what a finding code means and how to fix it, offline (like `rustc --explain`)')
            [CompletionResult]::new('audit', 'audit', [CompletionResultType]::ParameterValue, 'Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys, issuers, CA distribution) against the cluster; say what cannot be checked')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'certdoctor;help;diagnose' {
            break
        }
        'certdoctor;help;status' {
            break
        }
        'certdoctor;help;inspect' {
            [CompletionResult]::new('secret', 'secret', [CompletionResultType]::ParameterValue, 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations')
            [CompletionResult]::new('url', 'url', [CompletionResultType]::ParameterValue, 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret''s certificate. Needs no cluster without --secret')
            [CompletionResult]::new('file', 'file', [CompletionResultType]::ParameterValue, 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both')
            break
        }
        'certdoctor;help;inspect;secret' {
            break
        }
        'certdoctor;help;inspect;url' {
            break
        }
        'certdoctor;help;inspect;file' {
            break
        }
        'certdoctor;help;renew' {
            break
        }
        'certdoctor;help;completion' {
            break
        }
        'certdoctor;help;generate-assets' {
            break
        }
        'certdoctor;help;dump' {
            break
        }
        'certdoctor;help;approve' {
            break
        }
        'certdoctor;help;deny' {
            break
        }
        'certdoctor;help;check' {
            [CompletionResult]::new('api', 'api', [CompletionResultType]::ParameterValue, 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted')
            break
        }
        'certdoctor;help;check;api' {
            break
        }
        'certdoctor;help;explain' {
            break
        }
        'certdoctor;help;audit' {
            break
        }
        'certdoctor;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
