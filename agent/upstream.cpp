#include "upstream.hpp"

#include <gomod/format.hpp>

#include <map>
#include <memory>
#include <optional>

namespace gpx::agent {

namespace {

// The reason an upstream gave with a refusal, as the client may see it:
// one bounded line, without the entry's credentials should it echo its URL.
std::string
refusal_reason(std::string_view body, const ProxySpec& spec)
{
  constexpr std::size_t k_max = 512;
  std::string text(body.substr(0, k_max));
  for (auto& ch : text) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      ch = ' ';
    }
  }
  if (spec.url != spec.redacted_url) {
    for (auto at = text.find(spec.url); at != std::string::npos;
         at = text.find(spec.url, at)) {
      text.replace(at, spec.url.size(), spec.redacted_url);
      at += spec.redacted_url.size();
    }
  }
  while (!text.empty() && text.back() == ' ') {
    text.pop_back();
  }
  return text.empty() ? "forbidden" : text;
}

} // namespace

Upstream::Upstream(std::vector<ProxySpec> chain, HttpClientOptions options)
  : m_chain(std::move(chain)),
    m_options(std::move(options))
{
}

HttpClient&
Upstream::client()
{
  // One client per thread and Upstream: libcurl handles are not shareable,
  // and each keeps its connections alive.
  thread_local std::map<const Upstream*, std::unique_ptr<HttpClient>> clients;
  auto& c = clients[this];
  if (!c) {
    c = std::make_unique<HttpClient>(m_options);
  }
  return *c;
}

template<typename Fetch>
Result<UpstreamAnswer>
Upstream::walk(const std::string& path,
               const HttpClient::Sink* sink,
               Fetch&& fetch,
               bool head)
{
  UpstreamAnswer not_found;
  not_found.body = "not found";
  // An error, or an upstream's refusal (403), to answer with if nothing later
  // in the chain does better.
  std::optional<Result<UpstreamAnswer>> last_error;
  for (const auto& spec : m_chain) {
    if (spec.kind == ProxySpec::Kind::off) {
      if (last_error) {
        return *last_error;
      }
      return Error::upstream("module lookup disabled by upstream=off");
    }
    if (spec.kind == ProxySpec::Kind::direct) {
      if (last_error) {
        return *last_error;
      }
      if (!m_direct) {
        return Error::upstream(
          "upstream \"direct\": no version-control source is configured");
      }
      if (head) {
        return UpstreamAnswer{true, 200, "", "direct", -1};
      }
      return m_direct(path, sink);
    }
    auto r = fetch(spec.url + "/" + path);
    if (r && (r->status == 404 || r->status == 410)) {
      not_found.status = r->status;
      not_found.body = r->body.empty() ? "not found" : r->body;
      not_found.origin = spec.redacted_url;
      last_error.reset();
      continue;
    }
    if (r && r->status == 200) {
      return UpstreamAnswer{
        true, 200, std::move(r->body), spec.redacted_url, r->content_length};
    }
    if (r && r->status == 403) {
      // A refusal is the upstream's answer, not a fault of ours: the client
      // gets it as it was (a 502 would hide the reason). As for any error,
      // "|" still tries the next entry.
      UpstreamAnswer refused{
        false, 403, refusal_reason(r->body, spec), spec.redacted_url};
      if (!spec.fall_back_on_error) {
        return refused;
      }
      last_error = std::move(refused);
      continue;
    }
    Error e = r ? Error::upstream(format("{}/{}: {} {}",
                                         spec.redacted_url,
                                         path,
                                         r->status,
                                         r->body.substr(0, 200)))
                : r.error();
    if (!r && r.error().code != Error::Code::upstream) {
      return r
        .error(); // the sink failed (disk full …): no point asking elsewhere
    }
    if (!spec.fall_back_on_error) {
      return e;
    }
    last_error = e;
  }
  if (last_error) {
    return *last_error;
  }
  return not_found;
}

Result<UpstreamAnswer>
Upstream::get(const std::string& path, std::uint64_t max_body)
{
  return walk(path, nullptr, [&](const std::string& url) {
    return client().get(url, max_body);
  });
}

Result<HttpResponse>
Upstream::get_url(const std::string& url, std::uint64_t max_body)
{
  return client().get(url, max_body);
}

Result<UpstreamAnswer>
Upstream::head(const std::string& path)
{
  return walk(
    path,
    nullptr,
    [&](const std::string& url) { return client().head(url); },
    true);
}

Result<UpstreamAnswer>
Upstream::get_stream(const std::string& path, const HttpClient::Sink& sink)
{
  return walk(path, &sink, [&](const std::string& url) {
    return client().get_stream(url, sink);
  });
}

} // namespace gpx::agent
