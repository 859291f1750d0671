#pragma once

// The upstream chain: asks each entry of a GOPROXY-style list in turn, with
// the go command's fall-through rules. 404 and 410 move on after ","; any
// error moves on after "|"; anything else ends the walk with that error.
// "off" refuses; "direct" asks the version-control source (GitSource) and
// ends the walk with its answer.

#include <agent/http_client.hpp>
#include <agent/proxy_list.hpp>
#include <gomod/result.hpp>

#include <functional>
#include <string>
#include <vector>

namespace gpx::agent {

// The outcome of a walk: found (200 with body), not found everywhere (the
// last 404/410 reason), refused (403 and its reason, bounded, credentials
// redacted), or an error.
struct UpstreamAnswer
{
  bool found = false;
  long status = 0;  // 200, 404, 410 or 403 (0: not found, no upstream said how)
  std::string body; // the artifact, or the reason given with a 403/404/410
  std::string origin;       // redacted URL of the entry that answered
  std::int64_t length = -1; // the answer's Content-Length, -1 when unknown
};

class Upstream
{
public:
  Upstream(std::vector<ProxySpec> chain, HttpClientOptions options);

  // GET <entry>/<path> for small answers (path as the protocol spells it,
  // e.g. "rsc.io/!quote/@v/list"). Any thread.
  Result<UpstreamAnswer> get(const std::string& path, std::uint64_t max_body);
  // The same, streaming a 200 body into sink (for zips). A sink error
  // stops the walk at once.
  Result<UpstreamAnswer> get_stream(const std::string& path,
                                    const HttpClient::Sink& sink);

  // HEAD through the chain, with GET's fall-through rules: the length
  // without the bytes. "direct" answers found with length -1: a
  // version-control source knows no zip's size before it builds the zip.
  Result<UpstreamAnswer> head(const std::string& path);

  // What "direct" in the chain asks: a GOPROXY path, and a sink for zips.
  using Direct = std::function<Result<UpstreamAnswer>(
    const std::string& path, const HttpClient::Sink* sink)>;
  void
  set_direct(Direct direct)
  {
    m_direct = std::move(direct);
  }

  // One GET to a full URL, outside the chain (checksum databases).
  Result<HttpResponse> get_url(const std::string& url, std::uint64_t max_body);

  const std::vector<ProxySpec>&
  chain() const
  {
    return m_chain;
  }

private:
  template<typename Fetch>
  Result<UpstreamAnswer> walk(const std::string& path,
                              const HttpClient::Sink* sink,
                              Fetch&& fetch,
                              bool head = false);
  HttpClient& client();

  std::vector<ProxySpec> m_chain;
  HttpClientOptions m_options;
  Direct m_direct;
};

} // namespace gpx::agent
