# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_certdoctor_global_optspecs
    string join \n kubeconfig= context= all-contexts n/namespace= A/all-namespaces l/selector= as= request-timeout= o/output= color= from-file= h/help V/version
end

function __fish_certdoctor_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_certdoctor_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_certdoctor_using_subcommand
    set -l cmd (__fish_certdoctor_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c certdoctor -n "__fish_certdoctor_needs_command" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_needs_command" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_needs_command" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_needs_command" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_needs_command" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_needs_command" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_needs_command" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_needs_command" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_needs_command" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_needs_command" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "diagnose" -d 'Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "status" -d 'Show one certificate\'s whole chain with a verdict, or a table of all certificates'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "inspect" -d 'Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "renew" -d 'Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for one certificate or a fleet'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "completion" -d 'Print the shell completion script for SHELL'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "generate-assets" -d 'Write the completion scripts and man pages into DIR (for packagers and the repository)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "dump" -d 'Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off (private keys and non-certificate Secret data removed)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "approve" -d 'Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "deny" -d 'Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "check" -d 'Check that cert-manager is usable (for install scripts and CI)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "explain" -d 'Print what a finding code means and how to fix it, offline (like `rustc --explain`)'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "audit" -d 'Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys, issuers, CA distribution) against the cluster; say what cannot be checked'
complete -c certdoctor -n "__fish_certdoctor_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l max -d 'Print at most N certificate blocks after the fleet summary' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l nameserver -d 'Recursive resolver to use instead of the system\'s (repeatable), e.g. 1.1.1.1 or 10.0.0.2:5353' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l connect-to -d 'Send the HTTP-01 request or TLS handshake for HOST:PORT to ADDR:PORT instead (curl\'s --connect-to; repeatable)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l probe-timeout -d 'Give up on one DNS query or HTTP request after this long' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l concurrency -d 'Probes in flight at once' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l dns-port -d 'Port queried on authoritative nameservers (53; a test seam for servers on high ports)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l http-port -d 'Port the HTTP-01 fetch connects to on each resolved address (80; a test seam)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l https-port -d 'Port the TLS probe connects to on each resolved address (443; a test seam)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l offline -d 'Skip the network probes (DNS, HTTP-01, CAA): cluster state only'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l tree -d 'Print the whole walk of each certificate (every finding with its evidence, fix and commands), as -o wide does'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l details -d 'Print every unhealthy certificate\'s block even when a fleet summary leads the report (more than 20 unhealthy); without it the blocks stop after 20'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l consumers -d 'Also list the Pods in scope and report those that may serve an old copy of a Certificate\'s Secret (subPath mount, env vars, started before the last issuance)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand diagnose" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s w -l watch -d 'Keep it on screen and update it as cert-manager moves (the API\'s watch); with -o json or yaml, one document per change. Ctrl-C to stop'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand status" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -f -a "secret" -d 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -f -a "url" -d 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret\'s certificate. Needs no cluster without --secret'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -f -a "file" -d 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and not __fish_seen_subcommand_from secret url file help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l warn-within -d 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from secret" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l secret -d 'Compare the served leaf with this TLS Secret\'s (public key and serial; reads the cluster)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l connect-to -d 'Connect to ADDR:PORT instead of resolving HOST:PORT (curl\'s --connect-to; repeatable)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l nameserver -d 'Recursive resolver to use instead of the system\'s (repeatable)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l probe-timeout -d 'Give up on one DNS query or TLS handshake after this long' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l warn-within -d 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from url" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l warn-within -d 'Warn when the certificate expires within this (default: a third of its lifetime or 7d, whichever is later)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from file" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from help" -f -a "secret" -d 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from help" -f -a "url" -d 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret\'s certificate. Needs no cluster without --secret'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from help" -f -a "file" -d 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand inspect; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l dry-run -d 'Show what would be renewed without changing anything (`=server`: let the API server validate the writes)' -r -f -a "client\t'Print what would be changed; send nothing'
server\t'Send the writes with dryRun=All: the API server validates, stores nothing'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l timeout -d 'How long --wait waits in all (e.g. 5m, 90s)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l poll-interval -d 'How often --wait re-reads the cluster' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l all -d 'Renew every certificate in the namespace (with -A: in every namespace)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l force -d 'Renew also certificates that are already issuing'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l wait -d 'After triggering, wait until each certificate is Ready with a new revision'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s y -l yes -d 'Do not ask for confirmation before renewing many certificates across namespaces'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand renew" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand completion" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand generate-assets" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l output-dir -d 'Write one file per context (CONTEXT.yaml) into this directory instead of stdout; needed with --all-contexts or several --context names' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l consumers -d 'Also list every Pod in scope and write it, for `diagnose --consumers --from-file`: volumes, mounts and the Secrets read into env vars (names and keys, never a value)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand dump" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l reason -d 'The condition\'s reason' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l message -d 'The condition\'s message (default: `manually approved by "certdoctor"`, or denied)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l dry-run -d 'Show what would be written without changing anything (`=server`: let the API server validate the write)' -r -f -a "client\t'Print what would be changed; send nothing'
server\t'Send the writes with dryRun=All: the API server validates, stores nothing'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand approve" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l reason -d 'The condition\'s reason' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l message -d 'The condition\'s message (default: `manually approved by "certdoctor"`, or denied)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l dry-run -d 'Show what would be written without changing anything (`=server`: let the API server validate the write)' -r -f -a "client\t'Print what would be changed; send nothing'
server\t'Send the writes with dryRun=All: the API server validates, stores nothing'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand deny" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -f -a "api" -d 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and not __fish_seen_subcommand_from api help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l wait -d 'Keep checking until the API is usable or this much time has passed (0s: check once)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l interval -d 'Time between two checks while waiting' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from api" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from help" -f -a "api" -d 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand check; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l list -d 'List every code with its severity and one-line meaning'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand explain" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l kubeconfig -d 'Path to the kubeconfig file (default: the KUBECONFIG list, else ~/.kube/config)' -r -F
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l context -d 'Kubeconfig context to use (default: the current context); several, comma-separated (`--context prod-eu,prod-us`), read them all at once (status, diagnose, dump)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -s n -l namespace -d 'Namespace to look in (default: the context\'s namespace)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -s l -l selector -d 'Only certificates whose labels match this selector (e.g. `team=web,env!=dev`)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l as -d 'Impersonate this user for every API request, as kubectl --as' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l request-timeout -d 'Give up on an API request after this long (e.g. 30s, 1m; a bare number is seconds)' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -s o -l output -d 'Output format' -r -f -a "text\t'Human-readable text and tables'
wide\t'Text with extra table columns'
json\t'The documented JSON model (docs/output.md)'
yaml\t'The same model as YAML'
markdown\t'A Markdown block for an incident ticket (status and diagnose)'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l color -d 'When to use colour (auto: only on a terminal, and never with NO_COLOR set)' -r -f -a "auto\t'Colour on a terminal unless NO_COLOR is set'
always\t'Always colour (also when piped)'
never\t'Never colour'"
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l from-file -d 'Read objects from a dump file instead of a cluster (`-` for stdin): a `kind: List` or multi-document YAML/JSON as `kubectl get -o yaml` or `certdoctor dump` writes it' -r
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -l all-contexts -d 'Read every context of the kubeconfig at once (status, diagnose, dump), each with its own --request-timeout; one unreachable cluster never hides the others'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -s A -l all-namespaces -d 'Look in every namespace'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand audit" -s V -l version -d 'Print version'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "diagnose" -d 'Find the root cause: walk the chain, probe DNS and HTTP-01 from here, and say what to do'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "status" -d 'Show one certificate\'s whole chain with a verdict, or a table of all certificates'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "inspect" -d 'Show what is really in a TLS Secret or PEM/DER file, and check it (never prints key bytes)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "renew" -d 'Force re-issuance the way cert-manager expects (Issuing=True, ManuallyTriggered), for one certificate or a fleet'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "completion" -d 'Print the shell completion script for SHELL'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "generate-assets" -d 'Write the completion scripts and man pages into DIR (for packagers and the repository)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "dump" -d 'Write the objects certdoctor reads to stdout as YAML, for offline use or a hand-off (private keys and non-certificate Secret data removed)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "approve" -d 'Approve CertificateRequests by hand (Approved=True, as `cmctl approve` writes it)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "deny" -d 'Deny CertificateRequests by hand (Denied=True, as `cmctl deny` writes it)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "check" -d 'Check that cert-manager is usable (for install scripts and CI)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "explain" -d 'Print what a finding code means and how to fix it, offline (like `rustc --explain`)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "audit" -d 'Check the production-readiness checklist (alerts, webhook HA, renewal margins, keys, issuers, CA distribution) against the cluster; say what cannot be checked'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and not __fish_seen_subcommand_from diagnose status inspect renew completion generate-assets dump approve deny check explain audit help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and __fish_seen_subcommand_from inspect" -f -a "secret" -d 'A Secret in the cluster (or in --from-file): tls.crt, ca.crt, tls.key and annotations'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and __fish_seen_subcommand_from inspect" -f -a "url" -d 'The chain a TLS server presents (SNI = HOST), checked as `inspect file` checks a file; with --secret, compared with a Secret\'s certificate. Needs no cluster without --secret'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and __fish_seen_subcommand_from inspect" -f -a "file" -d 'PEM or DER files (`-` for stdin); a file may hold a chain, a key, or both'
complete -c certdoctor -n "__fish_certdoctor_using_subcommand help; and __fish_seen_subcommand_from check" -f -a "api" -d 'Is the cert-manager API usable: CRDs served, webhook registered with its CA, and a dry-run create of a Certificate accepted'
