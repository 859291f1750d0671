#include "request.hpp"

#include <gomod/format.hpp>

#include <charconv>

namespace gpx::agent {

namespace {

Error
bad(std::string_view what)
{
  return Error::invalid(std::string(what));
}

bool
is_loopback_name(std::string_view host)
{
  if (host == "localhost" || host == "::1" || host == "[::1]") {
    return true;
  }
  // 127.0.0.0/8 in dotted-quad form only: "127.1" or decimal forms are not
  // what a browser sends for a real loopback URL.
  if (!host.starts_with("127.")) {
    return false;
  }
  int parts = 0;
  std::size_t pos = 0;
  while (pos <= host.size()) {
    auto dot = host.find('.', pos);
    auto part = host.substr(
      pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    int v = -1;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (part.empty() || part.size() > 3 || ec != std::errc()
        || end != part.data() + part.size() || v > 255) {
      return false;
    }
    ++parts;
    if (dot == std::string_view::npos) {
      break;
    }
    pos = dot + 1;
  }
  return parts == 4;
}

// "host:port" or "[v6]:port" → host, port ("" and -1 when absent).
std::pair<std::string_view, int>
split_host_port(std::string_view hp)
{
  std::string_view host = hp;
  std::string_view port_text;
  if (hp.starts_with('[')) {
    auto close = hp.find(']');
    if (close == std::string_view::npos) {
      return {"", -2};
    }
    host = hp.substr(0, close + 1);
    if (close + 1 < hp.size()) {
      if (hp[close + 1] != ':') {
        return {"", -2};
      }
      port_text = hp.substr(close + 2);
    }
  } else if (auto colon = hp.rfind(':'); colon != std::string_view::npos) {
    host = hp.substr(0, colon);
    port_text = hp.substr(colon + 1);
  }
  if (port_text.empty()) {
    return {host, -1};
  }
  int port = -2;
  auto [end, ec] = std::from_chars(
    port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size()) {
    return {host, -2};
  }
  return {host, port};
}

Result<std::string>
module_from(std::string_view escaped)
{
  auto path = gomod::unescape_path(escaped);
  if (!path) {
    return path.error();
  }
  GPX_TRY(gomod::check_path(*path));
  return path;
}

// /sumdb/NAME/REST, with rest the path after "sumdb/".
Result<ProxyRequest>
parse_sumdb_request(std::string_view rest)
{
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0
      || slash + 1 == rest.size()) {
    return bad("invalid checksum database path: want /sumdb/NAME/…");
  }
  ProxyRequest r;
  r.endpoint = Endpoint::sumdb;
  r.sumdb_name = std::string(rest.substr(0, slash));
  r.sumdb_path = std::string(rest.substr(slash + 1));
  // The name is a host name; the rest is checked by the sumdb proxy,
  // but nothing may climb out of the database's directory.
  for (char c : r.sumdb_name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
              || c == '-' || c == '/';
    if (!ok) {
      return bad(format("invalid checksum database name {:?}", r.sumdb_name));
    }
  }
  for (std::string_view s :
       {std::string_view(r.sumdb_name), std::string_view(r.sumdb_path)}) {
    if (s.find("..") != std::string_view::npos
        || s.find("//") != std::string_view::npos
        || s.find('\\') != std::string_view::npos) {
      return bad("invalid checksum database path");
    }
  }
  return r;
}

// MODULE/@v/FILE, with file the part after "@v/": list, or VERSION.info,
// .mod or .zip.
Result<ProxyRequest>
parse_version_file(std::string module, std::string_view file)
{
  ProxyRequest r;
  r.module.path = std::move(module);
  if (file == "list") {
    r.endpoint = Endpoint::list;
    return r;
  }
  auto dot = file.rfind('.');
  if (dot == std::string_view::npos || dot == 0) {
    return Error::not_found(
      format("unknown file {:?}: want list, VERSION.info, .mod or .zip", file));
  }
  auto ext = file.substr(dot + 1);
  if (ext == "info") {
    r.endpoint = Endpoint::info;
  } else if (ext == "mod") {
    r.endpoint = Endpoint::mod;
  } else if (ext == "zip") {
    r.endpoint = Endpoint::zip;
  } else {
    return Error::not_found(
      format("unknown file {:?}: want list, VERSION.info, .mod or .zip", file));
  }
  auto version = gomod::unescape_version(file.substr(0, dot));
  if (!version) {
    return version.error();
  }
  r.module.version = *version;
  // .info may name a query (branch, commit prefix); .mod and .zip exist only
  // for canonical versions that agree with the path's major version.
  if (r.endpoint != Endpoint::info) {
    if (auto ok = gomod::check(r.module.path, r.module.version); !ok) {
      return ok.error();
    }
    if (auto c = gomod::canonical_version(r.module.version);
        c != r.module.version) {
      return Error::invalid(
        format("{}@{}: invalid version: not canonical (want {})",
               r.module.path,
               r.module.version,
               c));
    }
  }
  return r;
}

} // namespace

Result<ProxyRequest>
parse_request(std::string_view p)
{
  if (p.find('\0') != std::string_view::npos) {
    return bad("invalid request path: contains NUL");
  }
  if (p.size() > 4096) {
    return bad("invalid request path: too long");
  }
  if (!p.starts_with('/')) {
    return bad("invalid request path: must start with /");
  }
  p.remove_prefix(1);
  if (p.starts_with("sumdb/")) {
    return parse_sumdb_request(p.substr(6));
  }
  if (p.ends_with("/@latest")) {
    auto m = module_from(p.substr(0, p.size() - 8));
    if (!m) {
      return m.error();
    }
    ProxyRequest r;
    r.endpoint = Endpoint::latest;
    r.module.path = *m;
    return r;
  }
  auto at = p.rfind("/@v/");
  if (at == std::string_view::npos) {
    return Error::not_found(
      "not a module proxy path: want /MODULE/@v/… or /MODULE/@latest");
  }
  auto m = module_from(p.substr(0, at));
  if (!m) {
    return m.error();
  }
  return parse_version_file(std::move(*m), p.substr(at + 4));
}

std::string
door_refusal(std::string_view host_header,
             int port,
             std::string_view origin,
             std::string_view sec_fetch_site)
{
  if (host_header.empty()) {
    return "missing Host header";
  }
  auto [host, host_port] = split_host_port(host_header);
  // Without a port the client meant port 80; the agent is never there by
  // default, and a rebinding page on :80 must not get in.
  if (!is_loopback_name(host) || host_port != port) {
    return format(
      "Host {:?} is not this agent's loopback address (DNS rebinding?)",
      host_header);
  }
  if (sec_fetch_site == "cross-site" || sec_fetch_site == "same-site") {
    return "cross-site browser request";
  }
  if (!origin.empty()) {
    // A browser page on another origin; "null" is a sandboxed or file page.
    auto scheme_end = origin.find("://");
    if (scheme_end == std::string_view::npos) {
      return format("cross-site request from Origin {:?}", origin);
    }
    auto [ohost, oport] = split_host_port(origin.substr(scheme_end + 3));
    if (!is_loopback_name(ohost) || oport != port) {
      return format("cross-site request from Origin {:?}", origin);
    }
  }
  return "";
}

} // namespace gpx::agent
