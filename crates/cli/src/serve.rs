//! `wulens serve`: the web app from inside the binary, on the loopback address, so an admin
//! without network or build tools gets the whole product from one file.
//!
//! The site (`dist/`, built by trunk) is embedded at compile time by `rust-embed` when the `site`
//! feature is on (`./dev` builds dist/ first); without it `serve` says how to get a build that
//! has it. Files are served by `tiny_http` with the static site's Content-Security-Policy (read
//! from the embedded index.html, so it is the same policy by construction) as a header too.

use std::borrow::Cow;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

/// One file of the site: its bytes and content type.
pub struct Asset {
    pub data: Cow<'static, [u8]>,
    pub mime: String,
}

/// Where the site's files come from: the embedded dist/, or a test's files.
pub type Site = dyn Fn(&str) -> Option<Asset> + Sync;

#[cfg(feature = "site")]
mod embedded {
    use super::Asset;

    #[derive(rust_embed::RustEmbed)]
    #[folder = "../../dist/"]
    struct Dist;

    pub fn asset(path: &str) -> Option<Asset> {
        let f = Dist::get(path)?;
        let mime = f.metadata.mimetype().to_string();
        Some(Asset { data: f.data, mime })
    }
}

/// The embedded site, when this build has one.
#[cfg(feature = "site")]
pub fn embedded() -> Option<&'static Site> {
    Some(&embedded::asset)
}

#[cfg(not(feature = "site"))]
pub fn embedded() -> Option<&'static Site> {
    None
}

/// The policy of the site's `<meta http-equiv="Content-Security-Policy" content="...">`.
pub fn csp_of(index_html: &str) -> Option<String> {
    let at = index_html.find("http-equiv=\"Content-Security-Policy\"")?;
    let tag_start = index_html[..at].rfind('<')?;
    let tag = &index_html[tag_start..tag_start + index_html[tag_start..].find('>')?];
    let content = &tag[tag.find("content=\"")? + "content=\"".len()..];
    Some(content[..content.find('"')?].to_string())
}

/// A running server: its address; stopped by [`Server::stop`] (the command runs until Ctrl+C).
pub struct Server {
    pub addr: SocketAddr,
    server: std::sync::Arc<tiny_http::Server>,
    accept: std::thread::JoinHandle<()>,
}

impl Server {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Stop accepting requests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn stop(self) {
        self.server.unblock();
        let _ = self.accept.join();
    }

    fn wait(self) {
        let _ = self.accept.join();
    }
}

/// Serve `site` on 127.0.0.1 (never another interface): on `port`, or a free one the system
/// picks. The CSP comes from the site's index.html, which must have one.
pub fn start(site: &'static Site, port: Option<u16>) -> Result<Server, String> {
    let index = site("index.html").ok_or("the embedded site has no index.html")?;
    let csp = csp_of(&String::from_utf8_lossy(&index.data)).ok_or("the embedded index.html has no Content-Security-Policy")?;
    let server = tiny_http::Server::http(("127.0.0.1", port.unwrap_or(0))).map_err(|e| match port {
        Some(p) => format!("cannot serve on 127.0.0.1:{p}: {e}"),
        None => format!("cannot serve on 127.0.0.1: {e}"),
    })?;
    let addr = server.server_addr().to_ip().ok_or("the server has no IP address")?;
    let server = std::sync::Arc::new(server);
    // A thread per request: a client that stops reading a big file (the wasm) holds only its own.
    let accept = {
        let server = server.clone();
        std::thread::spawn(move || {
            while let Ok(request) = server.recv() {
                let csp = csp.clone();
                std::thread::spawn(move || respond(site, &csp, addr, request));
            }
        })
    };
    Ok(Server { addr, server, accept })
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    // Names and values are ours or the site's: ASCII without line breaks.
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap_or_else(|_| tiny_http::Header::from_bytes("X-Invalid", "1").unwrap())
}

/// One request: GET or HEAD of a file of the site, addressed to this server by its own name
/// (a page elsewhere that rebinds a name of its own to 127.0.0.1 gets nothing).
fn respond(site: &Site, csp: &str, addr: SocketAddr, request: tiny_http::Request) -> std::io::Result<()> {
    let host = request.headers().iter().find(|h| h.field.equiv("Host")).map(|h| h.value.as_str().to_ascii_lowercase());
    let ours = [addr.to_string(), format!("localhost:{}", addr.port())];
    let text =
        |code: u16, body: &str| tiny_http::Response::from_string(body).with_status_code(code).with_header(header("Content-Type", "text/plain; charset=utf-8"));
    if host.as_ref().is_some_and(|h| !ours.contains(h)) {
        return request.respond(text(421, "wulens serves 127.0.0.1 only"));
    }
    if !matches!(request.method(), tiny_http::Method::Get | tiny_http::Method::Head) {
        return request.respond(text(405, "GET only"));
    }
    let path = request.url().split(['?', '#']).next().unwrap_or("/").trim_start_matches('/').to_string();
    let path = if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path };
    let Some(asset) = site(&path) else {
        return request.respond(text(404, "not found").with_header(header("Content-Security-Policy", csp)));
    };
    let mime = if asset.mime.starts_with("text/") || asset.mime.ends_with("javascript") { format!("{}; charset=utf-8", asset.mime) } else { asset.mime };
    let response = tiny_http::Response::from_data(asset.data.into_owned())
        .with_header(header("Content-Type", &mime))
        .with_header(header("Content-Security-Policy", csp))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("Cache-Control", "no-cache"));
    request.respond(response)
}

/// `wulens serve`: print the address, open the browser unless told not to, serve until stopped.
pub fn run(port: Option<u16>, open: bool, out: &mut impl Write) -> std::io::Result<ExitCode> {
    let Some(site) = embedded() else {
        eprintln!("wulens: this build has no web page in it: `./dev dist` builds wulens with it (or `./dev build`, then `cargo build --release -p wulens-cli --features site`)");
        return Ok(ExitCode::from(2));
    };
    let server = match start(site, port) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wulens: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let url = server.url();
    writeln!(out, "wulens: the page is at {url} (this computer only; Ctrl+C stops it)")?;
    out.flush()?;
    if open {
        if let Err(e) = open::that_detached(&url) {
            eprintln!("wulens: could not open a browser ({e}): open {url} yourself");
        }
    }
    server.wait();
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    const INDEX: &str = "<!doctype html><head><meta charset=\"utf-8\">\n  <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'; worker-src 'self'\">\n</head>";

    fn test_site(path: &str) -> Option<Asset> {
        let (data, mime): (&'static [u8], &str) = match path {
            "index.html" => (INDEX.as_bytes(), "text/html"),
            "app_bg.wasm" => (b"\0asm", "application/wasm"),
            _ => return None,
        };
        Some(Asset { data: Cow::Borrowed(data), mime: mime.into() })
    }

    fn get(addr: SocketAddr, request: &str) -> String {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn the_policy_is_read_from_the_meta_tag() {
        assert_eq!(csp_of(INDEX).as_deref(), Some("default-src 'none'; script-src 'self'; worker-src 'self'"));
        assert_eq!(csp_of("<html></html>"), None);
    }

    #[test]
    fn files_are_served_on_loopback_with_the_policy_and_nothing_else_is() {
        let server = start(&test_site, None).unwrap();
        assert!(server.addr.ip().is_loopback() && server.addr.port() != 0);
        let host = format!("Host: {}\r\nConnection: close\r\n\r\n", server.addr);
        let index = get(server.addr, &format!("GET /?x=1 HTTP/1.1\r\n{host}"));
        assert!(index.starts_with("HTTP/1.1 200"), "{index}");
        assert!(index.contains("Content-Security-Policy: default-src 'none'; script-src 'self'; worker-src 'self'\r\n"), "{index}");
        assert!(index.contains("Content-Type: text/html; charset=utf-8\r\n") && index.ends_with("</head>"), "{index}");
        let wasm = get(server.addr, &format!("GET /app_bg.wasm HTTP/1.1\r\n{host}"));
        assert!(wasm.contains("Content-Type: application/wasm\r\n"), "{wasm}");
        assert!(get(server.addr, &format!("GET /../secret HTTP/1.1\r\n{host}")).starts_with("HTTP/1.1 404"));
        assert!(get(server.addr, &format!("POST / HTTP/1.1\r\nContent-Length: 0\r\n{host}")).starts_with("HTTP/1.1 405"));
        let rebound = get(server.addr, "GET / HTTP/1.1\r\nHost: attacker.example:80\r\nConnection: close\r\n\r\n");
        assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
        // A port in use is said, not taken over.
        let busy = start(&test_site, Some(server.addr.port())).err().unwrap();
        assert!(busy.contains(&format!("127.0.0.1:{}", server.addr.port())), "{busy}");
        server.stop();
    }
}
