// GOPROXY lists (agent/proxy_list): no crash; every entry is a url with an
// allowed scheme, or direct/off at the end; redaction is idempotent and the
// redacted form never keeps a secret user part.

#include "fuzz_input.hpp"

#include <agent/proxy_list.hpp>

#include <cstdlib>

namespace {

// The user part of a URL's authority ("" when none), as written.
std::string
userinfo(const std::string& url)
{
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return "";
  }
  auto start = scheme_end + 3;
  auto end = url.find_first_of("/?#", start);
  auto authority = url.substr(
    start, end == std::string::npos ? std::string::npos : end - start);
  auto at = authority.rfind('@');
  return at == std::string::npos ? "" : authority.substr(0, at);
}

void
check_redaction(const std::string& url)
{
  auto r = gpx::agent::redact_url(url);
  if (gpx::agent::redact_url(r) != r) {
    std::abort();
  }
  auto user = userinfo(url);
  auto colon = user.find(':');
  bool ssh = url.starts_with("ssh:") || url.starts_with("git+ssh:");
  auto secret = colon != std::string::npos ? user.substr(colon + 1)
                : ssh                      ? ""
                                           : user;
  if (!secret.empty() && secret != "xxxxx" && userinfo(r) == user) {
    std::abort();
  }
}

} // namespace

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  using gpx::agent::ProxySpec;
  auto in = gpx::fuzz::text(data, size);
  check_redaction(in);
  auto list = gpx::agent::parse_proxy_list(in);
  if (!list) {
    return 0;
  }
  if (list->empty()) {
    std::abort();
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& p = (*list)[i];
    if (p.kind != ProxySpec::Kind::url) {
      if (i + 1 != list->size()) {
        std::abort(); // direct and off end the list
      }
      continue;
    }
    if (!p.url.starts_with("https://") && !p.url.starts_with("http://")
        && !p.url.starts_with("file://")) {
      std::abort();
    }
    if (p.redacted_url != gpx::agent::redact_url(p.url)) {
      std::abort();
    }
    check_redaction(p.url);
  }
  return 0;
}
