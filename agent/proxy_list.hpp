#pragma once

// The upstream chain in GOPROXY syntax, read as the go command reads it
// (cmd/go/internal/modfetch/proxy.go, proxyList): entries separated by ","
// (try the next entry only after 404/410) or "|" (after any error); "direct"
// and "off" end the list; a bare host gets "https://".

#include <gomod/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace gpx::agent {

struct ProxySpec
{
  enum class Kind { url, direct, off };
  Kind kind = Kind::url;
  std::string url; // with any credentials, for requests only
  std::string
    redacted_url; // without credentials: the only form ever logged or shown
  // true when the separator after this entry was "|": fall through to the
  // next entry on any error, not only on 404/410.
  bool fall_back_on_error = false;
};

Result<std::vector<ProxySpec>> parse_proxy_list(std::string_view goproxy);

// "https://user:pw@host/p" → "https://user:xxxxx@host/p" (as Go's
// URL.Redacted).
std::string redact_url(std::string_view url);

} // namespace gpx::agent
