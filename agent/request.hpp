#pragma once

// What a request asks for, decided before any file or upstream is touched.
// The path arrives percent-decoded (the go command sends "!" as %21); it is
// then case-unescaped and validated with the Go rules, so a name that
// reaches the cache or an upstream is always a valid module path and
// version: no "..", no NUL, nothing outside the GOPROXY layout.

#include <gomod/module.hpp>
#include <gomod/result.hpp>

#include <string>
#include <string_view>

namespace gpx::agent {

enum class Endpoint {
  list,   // /{module}/@v/list
  info,   // /{module}/@v/{version or query}.info
  mod,    // /{module}/@v/{version}.mod
  zip,    // /{module}/@v/{version}.zip
  latest, // /{module}/@latest
  sumdb,  // /sumdb/{name}/{supported|lookup/…|tile/…|latest}
};

struct ProxyRequest
{
  Endpoint endpoint = Endpoint::list;
  gomod::Version module; // version empty for list and latest
  // For sumdb: the database name ("sum.golang.org") and the rest of the
  // path after it ("supported", "lookup/rsc.io/quote@v1.5.2", "tile/8/0/001").
  std::string sumdb_name;
  std::string sumdb_path;
  // A HEAD request: the answer's headers (status, length) without the body.
  // A handler may answer a zip miss from the upstream's HEAD, without
  // downloading it, and set Reply::length.
  bool head = false;
};

// Err(invalid) with a message meant for the go command's user; never
// touches the filesystem.
Result<ProxyRequest> parse_request(std::string_view decoded_path);

// The door against DNS rebinding and cross-site requests: a Host header
// must be a loopback name or IP with the agent's port; a browser's
// cross-site request (Origin not loopback, Sec-Fetch-Site cross-site or
// same-site) is refused. Returns the reason to refuse, or "" to let in.
std::string door_refusal(std::string_view host_header,
                         int port,
                         std::string_view origin,
                         std::string_view sec_fetch_site);

} // namespace gpx::agent
