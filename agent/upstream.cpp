#include "upstream.hpp"

#include <gomod/format.hpp>

#include <map>
#include <memory>
#include <optional>

namespace gpx::agent {

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
Upstream::walk(const std::string& path, const HttpClient::Sink* sink, Fetch&& fetch, bool head)
{
  UpstreamAnswer not_found;
  not_found.body = "not found";
  std::optional<Error> last_error;
  for (const auto& spec : m_chain) {
    if (spec.kind == ProxySpec::Kind::off) {
      if (last_error) {
        return *last_error;
      }
      return make_error(Error::Code::upstream, "module lookup disabled by upstream=off");
    }
    if (spec.kind == ProxySpec::Kind::direct) {
      if (last_error) {
        return *last_error;
      }
      if (!m_direct) {
        return make_error(Error::Code::upstream, "upstream \"direct\": no version-control source is configured");
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
      return UpstreamAnswer{true, 200, std::move(r->body), spec.redacted_url, r->content_length};
    }
    Error e = r ? make_error(Error::Code::upstream,
                             format("{}/{}: {} {}",
                                    spec.redacted_url,
                                    path,
                                    r->status,
                                    r->body.substr(0, 200)))
                : r.error();
    if (!r && r.error().code != Error::Code::upstream) {
      return r.error(); // the sink failed (disk full …): no point asking elsewhere
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
  return walk(path, nullptr, [&](const std::string& url) { return client().get(url, max_body); });
}

Result<HttpResponse>
Upstream::get_url(const std::string& url, std::uint64_t max_body)
{
  return client().get(url, max_body);
}

Result<UpstreamAnswer>
Upstream::head(const std::string& path)
{
  return walk(path, nullptr, [&](const std::string& url) { return client().head(url); }, true);
}

Result<UpstreamAnswer>
Upstream::get_stream(const std::string& path, const HttpClient::Sink& sink)
{
  return walk(path, &sink, [&](const std::string& url) { return client().get_stream(url, sink); });
}

} // namespace gpx::agent
