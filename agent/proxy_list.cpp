#include "proxy_list.hpp"

#include <gomod/format.hpp>

namespace gpx::agent {

namespace {

std::string_view
trim(std::string_view s)
{
  while (!s.empty()
         && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'
             || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty()
         && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'
             || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

} // namespace

std::string
redact_url(std::string_view url)
{
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::string(url);
  }
  auto authority_start = scheme_end + 3;
  auto authority_end = url.find_first_of("/?#", authority_start);
  auto authority = url.substr(authority_start,
                              authority_end == std::string_view::npos
                                ? std::string_view::npos
                                : authority_end - authority_start);
  auto at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::string(url);
  }
  auto userinfo = authority.substr(0, at);
  auto colon = userinfo.find(':');
  // user:password keeps the user. A lone user part is how tokens are
  // written in http(s) URLs; in ssh URLs it is the account (git@), no secret.
  bool ssh = url.starts_with("ssh:") || url.starts_with("git+ssh:");
  std::string redacted = colon != std::string_view::npos
                           ? std::string(userinfo.substr(0, colon)) + ":xxxxx"
                         : ssh ? std::string(userinfo)
                               : std::string("xxxxx");
  return std::string(url.substr(0, authority_start)) + redacted
         + std::string(url.substr(authority_start + at));
}

Result<std::vector<ProxySpec>>
parse_proxy_list(std::string_view goproxy)
{
  std::vector<ProxySpec> list;
  while (!goproxy.empty()) {
    std::string_view entry;
    bool fall_back_on_error = false;
    if (auto i = goproxy.find_first_of(",|"); i != std::string_view::npos) {
      entry = goproxy.substr(0, i);
      fall_back_on_error = goproxy[i] == '|';
      goproxy.remove_prefix(i + 1);
    } else {
      entry = goproxy;
      goproxy = {};
    }
    entry = trim(entry);
    if (entry.empty()) {
      continue;
    }
    if (entry == "off") {
      list.push_back({ProxySpec::Kind::off, "off", "off", false});
      break;
    }
    if (entry == "direct") {
      // As in the go command, "direct" ends the list: later entries are
      // reserved for future fallback behaviour.
      list.push_back({ProxySpec::Kind::direct, "direct", "direct", false});
      break;
    }
    std::string url(entry);
    bool has_scheme_sep = url.find(":/") != std::string::npos;
    if (url.find_first_of(".:/") != std::string::npos && !has_scheme_sep
        && url.front() != '/') {
      url = "https://" + url;
    }
    auto redacted = redact_url(url);
    auto scheme_end = url.find("://");
    std::string scheme =
      scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    if (scheme.empty()) {
      return Error::invalid(
        format("invalid proxy URL missing scheme: {}", redacted));
    }
    if (scheme != "http" && scheme != "https" && scheme != "file") {
      return Error::invalid(format(
        "invalid proxy URL scheme (must be https, http, file): {}", redacted));
    }
    while (url.size() > scheme_end + 3 && url.back() == '/') {
      url.pop_back();
    }
    list.push_back(
      {ProxySpec::Kind::url, url, redact_url(url), fall_back_on_error});
  }
  if (list.empty()) {
    return Error::invalid(
      "upstream list is not empty, but contains no entries");
  }
  return list;
}

} // namespace gpx::agent
