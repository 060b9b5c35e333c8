//! The knowledge base on the web: search as you type (every notation), a browse view by
//! category, an entry page per code (`#/kb/0x80244022`), and chrome-less embed views for wikis
//! (`#/embed/kb/<code>`, `#/embed/search`). The knowledge base is compiled into this module, so
//! none of this needs the worker or the network.

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::components::common::{CopyButton, Sources, Steps};
use crate::nav::replace_route;
use crate::route::{to_hash, Route};

/// Absolute link to the full app for a route (embeds open it in a new tab).
fn app_url(r: &Route) -> String {
    let loc = web_sys::window().map(|w| w.location());
    let base = loc.map(|l| format!("{}{}", l.origin().unwrap_or_default(), l.pathname().unwrap_or_default())).unwrap_or_default();
    format!("{base}{}", to_hash(r))
}

#[derive(Properties, PartialEq)]
pub struct SearchProps {
    pub query: String,
    #[prop_or_default]
    pub category: String,
}

#[function_component(KbSearchPage)]
pub fn kb_search_page(p: &SearchProps) -> Html {
    let query = use_state(|| p.query.clone());
    {
        let query = query.clone();
        use_effect_with(p.query.clone(), move |q| {
            query.set(q.clone());
        });
    }
    let oninput = {
        let query = query.clone();
        let category = p.category.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            replace_route(&Route::Kb { query: v.clone(), category: category.clone() });
            query.set(v);
        })
    };
    let input_ref = use_node_ref();
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| {
            if let Some(i) = input_ref.cast::<HtmlInputElement>() {
                let _ = i.focus();
            }
        });
    }
    let counts = wulens_kb::category_counts();
    let body = if query.trim().is_empty() {
        match wulens_kb::Category::from_id(&p.category) {
            Some(cat) => {
                let list: Vec<&wulens_kb::Entry> = wulens_kb::entries().iter().filter(|e| e.category == cat).collect();
                let mut list = list;
                list.sort_by_key(|e| (!e.has_guidance(), e.code));
                html! {
                    <>
                        <h2>{format!("{} ({})", cat.label(), list.len())}</h2>
                        <p><a href="#/kb">{"All categories"}</a></p>
                        <ResultList hits={list.iter().take(500).map(|e| hit_of(e)).collect::<Vec<_>>()} embed={false} />
                        if list.len() > 500 { <p class="muted">{format!("Showing 500 of {}: search to narrow it down.", list.len())}</p> }
                    </>
                }
            }
            None => html! {
                <section class="browse">
                    <h2>{"Browse by category"}</h2>
                    <ul class="categories">
                        { for counts.iter().filter(|c| c.count > 0).map(|c| html! {
                            <li><a href={to_hash(&Route::Kb { query: String::new(), category: c.id.into() })}>
                                <span class="label">{c.label}</span><span class="count">{wulens_core::report::thousands(c.count as u64)}</span>
                            </a></li>
                        }) }
                    </ul>
                </section>
            },
        }
    } else {
        let hits: Vec<Hit> = wulens_kb::search(&query, 60).iter().map(|h| hit_of(h.entry)).collect();
        let not_in_kb = match wulens_kb::lookup(&query) {
            Ok(l) if l.entry.is_none() => Some(l.code.to_string()),
            _ => None,
        };
        html! {
            <>
                if let Some(code) = not_in_kb {
                    <p class="alert info">{format!("{code} is not in the knowledge base, but it still decodes: ")}<a href={to_hash(&Route::KbEntry(code.clone(), String::new()))}>{"see what its parts say"}</a></p>
                }
                if hits.is_empty() { <p class="muted">{"No entry matches. Try a code in another notation, a symbolic name, or fewer words."}</p> }
                <ResultList {hits} embed={false} />
            </>
        }
    };
    html! {
        <main class="page kb">
            <h1>{"Error code knowledge base"}</h1>
            <p class="lead">{format!("{} codes. Type a code in any notation (0x8024401B, 8024401b, -2145107941, 2149859355), a symbolic name (WU_E_PT_HTTP_STATUS_PROXY_AUTH_REQ) or words (proxy 407, catroot2).", wulens_core::report::thousands(wulens_kb::entries().len() as u64))}</p>
            <div class="search-row big">
                <label for="kb-search" class="sr-only">{"Search error codes"}</label>
                <input id="kb-search" ref={input_ref} type="search" placeholder="Code, name or words" value={(*query).clone()} {oninput} autocomplete="off" spellcheck="false" />
            </div>
            { body }
        </main>
    }
}

#[derive(Clone, PartialEq)]
pub struct Hit {
    code: String,
    symbol: String,
    message: String,
    category: String,
    guidance: bool,
}

fn hit_of(e: &wulens_kb::Entry) -> Hit {
    Hit {
        code: format!("0x{:08X}", e.code),
        symbol: e.symbol.into(),
        message: e.message.into(),
        category: e.category.label().into(),
        guidance: e.has_guidance(),
    }
}

#[derive(Properties, PartialEq)]
struct ResultProps {
    hits: Vec<Hit>,
    embed: bool,
}

#[function_component(ResultList)]
fn result_list(p: &ResultProps) -> Html {
    html! {
        <ul class="results" aria-label="Search results">
            { for p.hits.iter().map(|h| {
                let route = if p.embed { Route::EmbedKb(h.code.clone(), String::new()) } else { Route::KbEntry(h.code.clone(), String::new()) };
                html! {
                    <li>
                        <a href={to_hash(&route)} class="result">
                            <span class="code">{h.code.clone()}</span>
                            <span class="sym">{h.symbol.clone()}</span>
                            <span class="cat">{h.category.clone()}</span>
                            if h.guidance { <span class="badge small ok" title="has causes and mitigation">{"guidance"}</span> }
                            <span class="msg">{h.message.clone()}</span>
                        </a>
                    </li>
                }
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
pub struct EntryProps {
    pub code: String,
    /// The update the code was written for (`KB5034441`; empty: none): its context leads.
    #[prop_or_default]
    pub kb: String,
}

/// The entry page: `#/kb/<code>` in any notation.
#[function_component(KbEntryPage)]
pub fn kb_entry_page(p: &EntryProps) -> Html {
    html! { <main class="page kb-entry"><EntryBody code={p.code.clone()} kb={p.kb.clone()} embed={false} /></main> }
}

#[function_component(EmbedKb)]
pub fn embed_kb(p: &EntryProps) -> Html {
    html! { <main class="kb-entry compact"><EntryBody code={p.code.clone()} kb={p.kb.clone()} embed={true} /></main> }
}

#[derive(Properties, PartialEq)]
struct BodyProps {
    code: String,
    kb: String,
    embed: bool,
}

#[function_component(EntryBody)]
fn entry_body(p: &BodyProps) -> Html {
    let l = match wulens_kb::lookup(&p.code) {
        Ok(l) => l,
        Err(e) => {
            return html! {
                <>
                    <h1>{"Not an error code"}</h1>
                    <p role="alert">{e.to_string()}</p>
                    if !p.embed { <p><a href={to_hash(&Route::Kb { query: p.code.clone(), category: String::new() })}>{format!("Search for “{}” instead", p.code)}</a></p> }
                </>
            }
        }
    };
    let code = l.code.to_string();
    let d = &l.decoded;
    let permalink = app_url(&Route::KbEntry(code.clone(), p.kb.clone()));
    let embed_url = app_url(&Route::EmbedKb(code.clone(), p.kb.clone()));
    let snippet = format!("<iframe src=\"{embed_url}\" title=\"wulens: {code}\" style=\"width:100%;border:0\" height=\"640\" loading=\"lazy\"></iframe>");
    let signed = l.code.0 as i32;
    let decode_table = html! {
        <table class="decode">
            <caption>{"Decoded"}</caption>
            <tbody>
                <tr><th scope="row">{"Hex"}</th><td class="mono">{code.clone()}</td></tr>
                <tr><th scope="row">{"Decimal"}</th><td class="mono">{format!("{signed} (as the ConfigMgr console shows it), {} unsigned", l.code.0)}</td></tr>
                <tr><th scope="row">{"Severity"}</th><td>{format!("{} ({})", d.severity, d.layout)}</td></tr>
                <tr><th scope="row">{"Facility"}</th><td>{format!("{} = {} ({})", d.facility, d.facility_name, d.facility_label)}</td></tr>
                <tr><th scope="row">{"Code"}</th><td class="mono">{format!("{} (0x{:04X})", d.code, d.code)}</td></tr>
                if d.customer { <tr><th scope="row">{"Customer bit"}</th><td>{"set: defined by a vendor other than Microsoft"}</td></tr> }
                if let Some(w) = &d.win32 { <tr><th scope="row">{"Win32 error"}</th><td>{format!("{} {} {}", w.code, w.name, w.message)}</td></tr> }
                if let Some(h) = d.http_status { <tr><th scope="row">{"HTTP status"}</th><td>{h}</td></tr> }
            </tbody>
        </table>
    };
    let full_link = |label: &str| {
        if p.embed {
            html! { <a href={permalink.clone()} target="_blank" rel="noopener">{label.to_string()}</a> }
        } else {
            html! {}
        }
    };
    let Some(e) = l.entry else {
        return html! {
            <>
                <h1><span class="code">{code.clone()}</span></h1>
                <p class="lead">{"This code is not in the knowledge base. Its structure still says where it comes from:"}</p>
                { decode_table }
                { full_link("Open in wulens") }
            </>
        };
    };
    html! {
        <article class="entry" data-code={code.clone()}>
            <header>
                <h1><span class="code">{code.clone()}</span>{" "}<span class="symbol">{e.symbol}</span></h1>
                if !e.message.is_empty() { <p class="lead">{e.message}</p> }
                <p class="tags">
                    <a class="chip" href={if p.embed { app_url(&Route::Kb { query: String::new(), category: e.category.id().into() }) } else { to_hash(&Route::Kb { query: String::new(), category: e.category.id().into() }) }} target={p.embed.then_some("_blank")}>{e.category.label()}</a>
                    { for e.places.iter().map(|p| html! { <span class="chip step" title="Where in the life of an update this code usually breaks">{format!("Breaks at: {}", p.label())}</span> }) }
                    { for e.aliases.iter().map(|a| html! { <span class="chip alias mono">{*a}</span> }) }
                </p>
            </header>
            // The update the code was written for leads: what the code means for it comes
            // first, above the general meaning (a 640-pixel wiki embed shows it).
            { for_update(e, &p.kb) }
            if !e.description.is_empty() { <section><h2>{"What it means"}</h2><p>{e.description}</p></section> }
            if !e.causes.is_empty() {
                <section><h2>{"Likely causes"}</h2><ul>{ for e.causes.iter().map(|c| html! { <li>{*c}</li> }) }</ul></section>
            }
            if !e.mitigation.is_empty() {
                <section><h2>{"What to do"}</h2><Steps steps={e.mitigation.to_vec()} /></section>
            }
            if !e.contexts.is_empty() { <Contexts code={e.code} /> }
            if e.description.is_empty() && e.mitigation.is_empty() && e.contexts.is_empty() {
                <p class="muted">{"Name and message only: no troubleshooting guidance is written for this code yet."}</p>
            }
            <section>{ decode_table }</section>
            if !e.related.is_empty() {
                <section>
                    <h2>{"Related codes"}</h2>
                    <ul class="related">
                        { for e.related.iter().map(|c| {
                            let rc = format!("0x{c:08X}");
                            let sym = wulens_kb::entry(*c).map(|x| x.symbol).unwrap_or("");
                            let href = if p.embed { to_hash(&Route::EmbedKb(rc.clone(), String::new())) } else { to_hash(&Route::KbEntry(rc.clone(), String::new())) };
                            html! { <li><a {href} class="code">{rc}</a>{" "}<span class="sym">{sym}</span></li> }
                        }) }
                    </ul>
                </section>
            }
            <Sources sources={e.sources.to_vec()} />
            if p.embed {
                <p class="embed-foot">{ full_link("Open in wulens") }{" · all analysis runs locally"}</p>
            } else {
                <section class="share">
                    <h2>{"Share and embed"}</h2>
                    <div class="share-row"><span>{"Permalink"}</span><code class="mono">{permalink.clone()}</code><CopyButton text={AttrValue::from(permalink.clone())} label={AttrValue::Static("Copy link")} /></div>
                    <div class="share-row"><span>{"Embed in a wiki"}</span><code class="mono">{snippet.clone()}</code><CopyButton text={AttrValue::from(snippet.clone())} label={AttrValue::Static("Embed")} title={AttrValue::Static("Copy the iframe snippet for a wiki page")} /></div>
                </section>
            }
        </article>
    }
}

#[derive(Properties, PartialEq)]
pub struct EmbedSearchProps {
    pub query: String,
}

/// Search box and results, chrome-less, for a wiki page.
#[function_component(EmbedSearch)]
pub fn embed_search(p: &EmbedSearchProps) -> Html {
    let query = use_state(|| p.query.clone());
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            replace_route(&Route::EmbedSearch { query: v.clone() });
            query.set(v);
        })
    };
    let hits: Vec<Hit> = if query.trim().is_empty() { Vec::new() } else { wulens_kb::search(&query, 25).iter().map(|h| hit_of(h.entry)).collect() };
    html! {
        <main class="kb compact">
            <div class="search-row">
                <label for="embed-search" class="sr-only">{"Search Windows Update error codes"}</label>
                <input id="embed-search" type="search" placeholder="Windows Update error code or words" value={(*query).clone()} {oninput} autocomplete="off" spellcheck="false" />
            </div>
            if !query.trim().is_empty() && hits.is_empty() { <p class="muted">{"No entry matches."}</p> }
            <ResultList {hits} embed={true} />
            <p class="embed-foot"><a href={app_url(&Route::Kb { query: (*query).clone(), category: String::new() })} target="_blank" rel="noopener">{"Open wulens"}</a>{" · runs locally"}</p>
        </main>
    }
}

/// What the code means for update `kb` (each context about it, with its steps and sources), or
/// nothing where `kb` is empty or the knowledge base has no context for it.
fn for_update(e: &wulens_kb::Entry, kb: &str) -> Html {
    if kb.trim().is_empty() {
        return html! {};
    }
    html! {
        { for e.contexts_for_update(kb).map(|c| html! {
            <section class="for-update" data-kb={kb.to_string()}>
                <h2>{format!("For {kb}")}</h2>
                <p><strong>{c.at}</strong></p>
                <p>{c.why}</p>
                if !c.steps.is_empty() { <Steps steps={c.steps.to_vec()} /> }
                <Sources sources={c.sources.to_vec()} />
            </section>
        }) }
    }
}

#[derive(Properties, PartialEq)]
struct ContextsProps {
    code: u32,
}

/// Where the code is written and what it means there: routine, an internal trace, or a failure
/// with what to do, each with the lines or articles that show it.
#[function_component(Contexts)]
fn contexts(p: &ContextsProps) -> Html {
    let Some(e) = wulens_kb::entry(p.code) else { return html! {} };
    let count = |v: wulens_kb::Verdict| e.contexts.iter().filter(|c| c.verdict == v).count();
    let summary = format!(
        "Whether to worry depends on where it is written: routine in {}, an internal trace (the result is told elsewhere) in {}, a failure in {} of the places below.",
        count(wulens_kb::Verdict::Routine),
        count(wulens_kb::Verdict::Trace),
        count(wulens_kb::Verdict::Failure)
    );
    html! {
        <section class="contexts">
            <h2>{"Where it is written"}</h2>
            <p class="muted">{summary}</p>
            <ul class="contexts">
                { for e.contexts.iter().map(|c| {
                    let logs: Vec<&str> = c.logs.iter().map(|l| wulens_core::model::LogKind::from_id(l).map_or(*l, |k| k.file_name())).collect();
                    html! {
                        <li class={classes!("context", c.verdict.id())} data-verdict={c.verdict.id()}>
                            <p><span class={classes!("chip", "verdict", c.verdict.id())}>{c.verdict.label()}</span>{" "}<strong>{logs.join(", ")}</strong>{": "}{c.at}</p>
                            if !c.contains.is_empty() {
                                <p class="muted">{"On lines holding "}{ for c.contains.iter().enumerate().map(|(i, s)| html! { <>if i > 0 { {" and "} }<code class="mono">{*s}</code></> }) }</p>
                            }
                            <p>{c.why}</p>
                            if !c.steps.is_empty() { <Steps steps={c.steps.to_vec()} /> }
                            <Sources sources={c.sources.to_vec()} />
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
