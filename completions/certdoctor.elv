
use builtin;
use str;

set edit:completion:arg-completer[certdoctor] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'certdoctor'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'certdoctor'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand diagnose 'Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do'
            cand status 'Show one certificate''s whole chain with a verdict, or a table of all certificates'
            cand inspect 'Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)'
            cand renew 'Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for one certificate or a fleet'
            cand completion 'Print the shell completion script for SHELL'
            cand generate-assets 'Write the completion scripts and man pages into DIR (for packagers and the repository)'
            cand dump 'Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off (private keys and non-certificate Secret data removed)'
            cand approve 'Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)'
            cand deny 'Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)'
            cand check 'Check that cert-manager is usable (for install scripts and CI)'
            cand explain 'Print what a finding code means and how to fix it, offline (like `rustc --explain`)'
            cand audit 'Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys, issuers, CA distribution) against the cluster; say what cannot be checked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certdoctor;diagnose'= {
            cand --max 'Print at most N certificate blocks after the fleet summary'
            cand --nameserver 'Recursive resolver to use instead of the system''s (repeatable), e.g. 1.1.1.1 or 10.0.0.2:5353'
            cand --connect-to 'Send the HTTP-01 request or TLS handshake for HOST:PORT to ADDR:PORT instead (curl''s --connect-to; repeatable)'
            cand --probe-timeout 'Give up on one DNS query or HTTP request after this long'
            cand --concurrency 'Probes in flight at once'
            cand --dns-port 'Port queried on authoritative nameservers (53; a test seam for servers on high ports)'
            cand --http-port 'Port the HTTP-01 fetch connects to on each resolved address (80; a test seam)'
            cand --https-port 'Port the TLS probe connects to on each resolved address (443; a test seam)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --offline 'Skip the network probes (DNS, HTTP-01, CAA): cluster state only'
            cand --tree 'Print the whole walk of each certificate (every finding with its evidence, fix and commands), as -o wide does'
            cand --details 'Print every unhealthy certificate''s block even when a fleet summary leads the report (more than 20 unhealthy); without it the blocks stop after 20'
            cand --consumers 'Also list the Pods in scope and report those that may serve an old copy of a Certificate''s Secret (subPath mount, env vars, started before the last issuance)'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;status'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand -w 'Keep it on screen and update it as cert-manager moves (the API''s watch); with -o json or yaml, one document per change. Ctrl-C to stop'
            cand --watch 'Keep it on screen and update it as cert-manager moves (the API''s watch); with -o json or yaml, one document per change. Ctrl-C to stop'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;inspect'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand secret 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations'
            cand url 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret''s certificate. Needs no cluster without --secret'
            cand file 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certdoctor;inspect;secret'= {
            cand --warn-within 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;inspect;url'= {
            cand --secret 'Compare the served leaf with this TLS Secret''s (public key and serial; reads the cluster)'
            cand --connect-to 'Connect to ADDR:PORT instead of resolving HOST:PORT (curl''s --connect-to; repeatable)'
            cand --nameserver 'Recursive resolver to use instead of the system''s (repeatable)'
            cand --probe-timeout 'Give up on one DNS query or TLS handshake after this long'
            cand --warn-within 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;inspect;file'= {
            cand --warn-within 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;inspect;help'= {
            cand secret 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations'
            cand url 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret''s certificate. Needs no cluster without --secret'
            cand file 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certdoctor;inspect;help;secret'= {
        }
        &'certdoctor;inspect;help;url'= {
        }
        &'certdoctor;inspect;help;file'= {
        }
        &'certdoctor;inspect;help;help'= {
        }
        &'certdoctor;renew'= {
            cand --dry-run 'Show what would be renewed without changing anything (`=server`: let the API server validate the writes)'
            cand --timeout 'How long --wait waits in all (e.g. 5m, 90s)'
            cand --poll-interval 'How often --wait re-reads the cluster'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all 'Renew every certificate in the namespace (with -A: in every namespace)'
            cand --force 'Renew also certificates that are already issuing'
            cand --wait 'After triggering, wait until each certificate is Ready with a new revision'
            cand -y 'Do not ask for confirmation before renewing many certificates across namespaces'
            cand --yes 'Do not ask for confirmation before renewing many certificates across namespaces'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;completion'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;generate-assets'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;dump'= {
            cand --output-dir 'Write one file per context (CONTEXT.yaml) into this directory instead of stdout; needed with --all-contexts or several --context names'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --consumers 'Also list every Pod in scope and write it, for `diagnose --consumers --from-file`: volumes, mounts and the Secrets read into env vars (names and keys, never a value)'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;approve'= {
            cand --reason 'The condition''s reason'
            cand --message 'The condition''s message (default: `manually approved by "certdoctor"`, or denied)'
            cand --dry-run 'Show what would be written without changing anything (`=server`: let the API server validate the write)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;deny'= {
            cand --reason 'The condition''s reason'
            cand --message 'The condition''s message (default: `manually approved by "certdoctor"`, or denied)'
            cand --dry-run 'Show what would be written without changing anything (`=server`: let the API server validate the write)'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;check'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand api 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certdoctor;check;api'= {
            cand --wait 'Keep checking until the API is usable or this much time has passed (0s: check once)'
            cand --interval 'Time between two checks while waiting'
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;check;help'= {
            cand api 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certdoctor;check;help;api'= {
        }
        &'certdoctor;check;help;help'= {
        }
        &'certdoctor;explain'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --list 'List every code with its severity and one-line meaning'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;audit'= {
            cand --kubeconfig 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)'
            cand --context 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)'
            cand -n 'Namespace to look in (default: the context''s namespace)'
            cand --namespace 'Namespace to look in (default: the context''s namespace)'
            cand -l 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --selector 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)'
            cand --as 'Impersonate this user for every API request, as kubectl --as'
            cand --request-timeout 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --color 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)'
            cand --from-file 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it'
            cand --all-contexts 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
            cand -A 'Look in every namespace'
            cand --all-namespaces 'Look in every namespace'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'certdoctor;help'= {
            cand diagnose 'Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do'
            cand status 'Show one certificate''s whole chain with a verdict, or a table of all certificates'
            cand inspect 'Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)'
            cand renew 'Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for one certificate or a fleet'
            cand completion 'Print the shell completion script for SHELL'
            cand generate-assets 'Write the completion scripts and man pages into DIR (for packagers and the repository)'
            cand dump 'Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off (private keys and non-certificate Secret data removed)'
            cand approve 'Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)'
            cand deny 'Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)'
            cand check 'Check that cert-manager is usable (for install scripts and CI)'
            cand explain 'Print what a finding code means and how to fix it, offline (like `rustc --explain`)'
            cand audit 'Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys, issuers, CA distribution) against the cluster; say what cannot be checked'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'certdoctor;help;diagnose'= {
        }
        &'certdoctor;help;status'= {
        }
        &'certdoctor;help;inspect'= {
            cand secret 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations'
            cand url 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret''s certificate. Needs no cluster without --secret'
            cand file 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both'
        }
        &'certdoctor;help;inspect;secret'= {
        }
        &'certdoctor;help;inspect;url'= {
        }
        &'certdoctor;help;inspect;file'= {
        }
        &'certdoctor;help;renew'= {
        }
        &'certdoctor;help;completion'= {
        }
        &'certdoctor;help;generate-assets'= {
        }
        &'certdoctor;help;dump'= {
        }
        &'certdoctor;help;approve'= {
        }
        &'certdoctor;help;deny'= {
        }
        &'certdoctor;help;check'= {
            cand api 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted'
        }
        &'certdoctor;help;check;api'= {
        }
        &'certdoctor;help;explain'= {
        }
        &'certdoctor;help;audit'= {
        }
        &'certdoctor;help;help'= {
        }
    ]
    $completions[$command]
}
