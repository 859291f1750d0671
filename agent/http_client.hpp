#pragma once

// HTTP(S) GETs to upstream proxies over libcurl. One client per thread, all
// of them drawing on one process-wide pool of connections, TLS sessions and
// DNS answers, so that keep-alive connections serve every thread; a shared
// TransferSlots budget bounds how many transfers (so connections) run at
// once. libcurl itself is loaded on the first request (curl_api.hpp).
// HTTPS_PROXY / NO_PROXY (and http_proxy) are honoured by libcurl itself;
// credentials come from the URL or netrc and never reach a log or an error
// message (errors name the redacted URL only).

#include <agent/transfer_slots.hpp>
#include <gomod/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace gpx::agent {

struct HttpClientOptions
{
  std::string ca_file;     // PEM bundle replacing the system's
  std::string client_cert; // PEM client certificate
  std::string client_key;  // PEM key of client_cert
  std::string netrc_file;  // "" → $NETRC, else ~/.netrc (optional either way)
  std::chrono::seconds connect_timeout{10};
  // A transfer slower than 1 KiB/s for this long is abandoned, so a stalled
  // upstream cannot hold a client forever.
  std::chrono::seconds stall_timeout{30};
  std::string user_agent = "gpx";
  // A streamed answer larger than split_size from a server that serves byte
  // ranges is fetched as byte ranges, up to split_parts at once (the first
  // on the answer's own connection), the later ones spooled under spool_dir,
  // and handed to the sink in order. 0 or no spool_dir: never split.
  std::uint64_t split_size = 0;
  int split_parts = 4;
  std::string spool_dir;
  // Shared by every client that should count against one budget (the
  // agent's upstream); null: no limit (the CLI talking to its agent).
  std::shared_ptr<TransferSlots> slots;
};

struct HttpResponse
{
  long status = 0;
  std::string body;
  std::string content_type;
  // The answer's Content-Length, -1 when it sent none.
  std::int64_t content_length = -1;
  // Header names lowercased; a redirect's headers are not the answer's.
  std::map<std::string, std::string> headers;
};

// Upstream connections opened so far by every client (for /metrics: a pool
// that works keeps this near the number of concurrent transfers).
std::uint64_t http_connections_opened();

// Upstream answers that came over HTTP/2 (for /metrics: HTTPS upstreams
// that offer h2 in ALPN get it; plain http stays on HTTP/1.1 keep-alive).
std::uint64_t http2_responses();

class HttpClient
{
public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Whole body in memory, refused beyond max_body bytes (for .info, .mod,
  // list and checksum-db answers, which are small).
  Result<HttpResponse> get(const std::string& url, std::uint64_t max_body);

  // Body handed to sink chunk by chunk as it arrives (for zips); the sink's
  // error aborts the transfer. Returns the status; for a status other than
  // 200 the body is not passed to the sink but returned in the response
  // (up to 4 KiB) so its reason can be shown.
  using Sink = std::function<Status(std::string_view)>;
  Result<HttpResponse> get_stream(const std::string& url, const Sink& sink);

  // HEAD: the status and headers a GET would bring, no body; the length is
  // that of the bytes themselves (no content encoding is offered).
  Result<HttpResponse> head(const std::string& url);

  // Requests made with a Range header so far, by every client (tests and
  // /metrics read it).
  static std::uint64_t range_requests();

  // libcurl state; public only so that http_client.cpp's helpers reach it.
  struct Impl;

private:
  std::unique_ptr<Impl> m_impl;
};

} // namespace gpx::agent
