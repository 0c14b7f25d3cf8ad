//! `dump` over several contexts: one file per context in `--output-dir`.

use super::*;

/// A file name for a context: letters, digits, `.`, `_` and `-` kept, anything else `_`.
pub fn file_stem(context: &str) -> String {
    let s: String = context
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    match s.trim_start_matches('.') {
        "" => "context".to_string(),
        t => t.to_string(),
    }
}

/// `dump` over several contexts: one file per context in `--output-dir`.
pub async fn dump(
    config: &Config,
    opts: &DumpOptions,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> CliResult {
    let dir = opts
        .output_dir
        .clone()
        .ok_or_else(|| CliError::new("dump over several contexts needs --output-dir DIR"))?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        CliError::new(format!("cannot create {}: {e}", dir.display()))
            .hint("choose another --output-dir")
    })?;
    // `--consumers` adds one LIST per context, as for one cluster: every Pod in scope.
    let kinds = with_consumer_pods(&KINDS, opts.consumers);
    let reads = read_all(config, &kinds, err).await?;
    let ext = if config.output == Output::Json {
        "json"
    } else {
        "yaml"
    };
    let mut used: Vec<PathBuf> = vec![];
    let mut written = 0;
    for r in reads {
        let Ok(loaded) = r.result else { continue };
        crate::commands::warn_unreadable(
            &loaded.raw.unreadable,
            &format!(
                "the dump of context {:?} has none of them",
                clean(&r.context)
            ),
            err,
        );
        let doc = crate::model::dump::build(loaded.raw, &loaded.scope, opts.consumers);
        let path = unique(&dir, &file_stem(&r.context), ext, &used);
        let mut text = Vec::new();
        if config.output == Output::Json {
            render::json(&mut text, &doc)?;
        } else {
            render::yaml(&mut text, &doc)?;
        }
        std::fs::write(&path, text)
            .map_err(|e| CliError::new(format!("cannot write {}: {e}", path.display())))?;
        writeln!(out, "{}\t{}", clean(&r.context), path.display())?;
        used.push(path);
        written += 1;
    }
    if written == 0 {
        return Err(
            CliError::new("none of the contexts could be read; nothing was written").hint(
                "see the warnings above; check each with `kubectl --context NAME cluster-info`",
            ),
        );
    }
    Ok(EXIT_OK)
}

fn unique(dir: &Path, stem: &str, ext: &str, used: &[PathBuf]) -> PathBuf {
    let mut path = dir.join(format!("{stem}.{ext}"));
    let mut n = 2;
    while used.contains(&path) {
        path = dir.join(format!("{stem}-{n}.{ext}"));
        n += 1;
    }
    path
}
