#include "http_client.hpp"

#include "proxy_list.hpp"

#include <gomod/format.hpp>

#include <curl/curl.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <mutex>

namespace gpx::agent {

namespace {

struct CurlCleanup
{
  void
  operator()(CURL* p) const noexcept
  {
    curl_easy_cleanup(p);
  }
};
using CurlPtr = std::unique_ptr<CURL, CurlCleanup>;

constexpr std::size_t k_error_body_max = 4096;

struct Transfer
{
  const HttpClient::Sink* sink = nullptr; // null: collect into body
  std::uint64_t max_body = 0;
  long status = 0;
  std::string body;
  bool too_large = false;
  Error sink_error;
  bool sink_failed = false;
  bool file_scheme = false; // file:// has no status line; a read is a 200
  CURL* curl = nullptr;
};

std::size_t
on_data(char* data, std::size_t size, std::size_t n, void* user)
{
  auto* t = static_cast<Transfer*>(user);
  std::size_t len = size * n;
  if (t->status == 0) {
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
    if (t->status == 0 && t->file_scheme) {
      t->status = 200;
    }
  }
  if (t->sink != nullptr && t->status == 200) {
    if (auto ok = (*t->sink)(std::string_view(data, len)); !ok) {
      t->sink_error = ok.error();
      t->sink_failed = true;
      return 0; // aborts the transfer
    }
    return len;
  }
  std::uint64_t limit = t->sink != nullptr ? k_error_body_max : t->max_body;
  if (t->body.size() + len > limit) {
    if (t->sink != nullptr) {
      // An error page's start is all we show; drop the rest quietly.
      t->body.append(data, limit - t->body.size());
      return len;
    }
    t->too_large = true;
    return 0;
  }
  t->body.append(data, len);
  return len;
}

std::string
default_netrc()
{
  if (const char* n = std::getenv("NETRC"); n != nullptr && *n != '\0') {
    return n;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::string(home) + "/.netrc";
  }
  return "";
}

// One pool of upstream connections, TLS sessions and DNS answers for the
// whole process (libcurl's share interface): a miss on any server thread
// reuses the connection another thread opened, instead of each thread
// paying its own TCP and TLS handshakes.
class SharedPool
{
public:
  SharedPool() : m_share(curl_share_init())
  {
    curl_share_setopt(m_share, CURLSHOPT_LOCKFUNC, lock);
    curl_share_setopt(m_share, CURLSHOPT_UNLOCKFUNC, unlock);
    curl_share_setopt(m_share, CURLSHOPT_USERDATA, this);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  }
  CURLSH*
  get() const
  {
    return m_share;
  }

private:
  static void
  lock(CURL*, curl_lock_data data, curl_lock_access, void* self)
  {
    static_cast<SharedPool*>(self)->m_locks[static_cast<std::size_t>(data)].lock();
  }
  static void
  unlock(CURL*, curl_lock_data data, void* self)
  {
    static_cast<SharedPool*>(self)->m_locks[static_cast<std::size_t>(data)].unlock();
  }

  CURLSH* m_share;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> m_locks;
};

SharedPool&
shared_pool()
{
  // Never destroyed: easy handles of threads still running at exit may
  // point at it.
  static auto* pool = new SharedPool;
  return *pool;
}

std::atomic<std::uint64_t> g_connections_opened{0};

} // namespace

void
http_global_init()
{
  curl_global_init(CURL_GLOBAL_DEFAULT);
  (void)shared_pool();
}

std::uint64_t
http_connections_opened()
{
  return g_connections_opened.load(std::memory_order_relaxed);
}

struct HttpClient::Impl
{
  HttpClientOptions options;
  CurlPtr curl;
  std::string netrc;

  Result<HttpResponse> perform(const std::string& url, Transfer& t);
};

HttpClient::HttpClient(HttpClientOptions options) : m_impl(std::make_unique<Impl>())
{
  m_impl->options = std::move(options);
  m_impl->netrc = m_impl->options.netrc_file.empty() ? default_netrc() : m_impl->options.netrc_file;
  m_impl->curl.reset(curl_easy_init());
}

HttpClient::~HttpClient() = default;

Result<HttpResponse>
HttpClient::Impl::perform(const std::string& url, Transfer& t)
{
  CURL* c = curl.get();
  if (c == nullptr) {
    return make_error(Error::Code::internal, "cannot initialise libcurl");
  }
  curl_easy_reset(c);
  t.curl = c;
  curl_easy_setopt(c, CURLOPT_SHARE, shared_pool().get());
  t.file_scheme = url.starts_with("file:");
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.stall_timeout.count()));
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); // whatever libcurl can decode
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  if (!netrc.empty()) {
    curl_easy_setopt(c, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
    curl_easy_setopt(c, CURLOPT_NETRC_FILE, netrc.c_str());
  }
  if (!options.ca_file.empty()) {
    curl_easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  if (!options.client_cert.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLCERT, options.client_cert.c_str());
  }
  if (!options.client_key.empty()) {
    curl_easy_setopt(c, CURLOPT_SSLKEY, options.client_key.c_str());
  }
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

  CURLcode rc = curl_easy_perform(c);
  long opened = 0;
  if (curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK && opened > 0) {
    g_connections_opened.fetch_add(static_cast<std::uint64_t>(opened), std::memory_order_relaxed);
  }
  if (t.status == 0) {
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.status);
  }
  auto redacted = redact_url(url);
  if (t.sink_failed) {
    return t.sink_error;
  }
  if (t.too_large) {
    return make_error(Error::Code::upstream,
                      format("{}: response larger than {} bytes", redacted, t.max_body));
  }
  if (t.file_scheme && rc == CURLE_FILE_COULDNT_READ_FILE) {
    // A GOPROXY directory without the file: the protocol's "not here".
    return HttpResponse{404, "not found", ""};
  }
  if (t.file_scheme && rc == CURLE_OK && t.status == 0) {
    t.status = 200; // an empty file never reached on_data
  }
  if (rc != CURLE_OK) {
    // errbuf may quote the URL curl used; it never contains the password
    // because curl prints hosts, not userinfo.
    std::string detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT) {
      // Say which knob applies: the user's next step is the config table.
      detail += t.status == 0 && t.body.empty()
                  ? format(" (no connection within connect_timeout {}s, or a stalled answer)", options.connect_timeout.count())
                  : format(" (stalled longer than stall_timeout {}s)", options.stall_timeout.count());
    }
    return make_error(Error::Code::upstream, format("{}: {}", redacted, detail));
  }
  HttpResponse res;
  res.status = t.status;
  res.body = std::move(t.body);
  char* ct = nullptr;
  if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != nullptr) {
    res.content_type = ct;
  }
  return res;
}

Result<HttpResponse>
HttpClient::get(const std::string& url, std::uint64_t max_body)
{
  Transfer t;
  t.max_body = max_body;
  return m_impl->perform(url, t);
}

Result<HttpResponse>
HttpClient::get_stream(const std::string& url, const Sink& sink)
{
  Transfer t;
  t.sink = &sink;
  return m_impl->perform(url, t);
}

} // namespace gpx::agent
