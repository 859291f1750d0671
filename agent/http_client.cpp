#include "http_client.hpp"

#include "curl_api.hpp"
#include "git_credentials.hpp"
#include "http_transfer.hpp"
#include "proxy_list.hpp"
#include "upstream_loop.hpp"

#include <gomod/format.hpp>

#include <curl/curl.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

namespace gpx::agent {

using detail::http_version;
using detail::multiplexed;
using detail::serves_byte_ranges;
using detail::Transfer;

namespace {

struct CurlCleanup
{
  void
  operator()(CURL* p) const noexcept
  {
    curl_lib().easy_cleanup(p);
  }
};
using CurlPtr = std::unique_ptr<CURL, CurlCleanup>;

constexpr std::size_t k_error_body_max = 4096;

// Slots this thread holds: a request made while the thread's own transfer
// is in flight must not wait for a slot that it holds. Callbacks run on the
// upstream loop's thread, on behalf of transfers that hold theirs.
thread_local int t_slots_held = 0;

// One transfer slot for the length of a transfer, unless the budget is off,
// the caller took it already, or this thread holds one.
class SlotGuard
{
public:
  SlotGuard(TransferSlots* slots, bool held_by_caller)
    : m_slots(slots != nullptr && !held_by_caller && t_slots_held == 0
                  && !on_upstream_loop()
                ? slots
                : nullptr)
  {
    if (m_slots != nullptr) {
      m_slots->acquire();
    }
    ++t_slots_held;
  }
  ~SlotGuard()
  {
    --t_slots_held;
    if (m_slots != nullptr) {
      m_slots->release();
    }
  }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

private:
  TransferSlots* m_slots;
};

std::size_t
on_data(char* data, std::size_t size, std::size_t n, void* user)
{
  auto* t = static_cast<Transfer*>(user);
  std::size_t len = size * n;
  if (t->status == 0) {
    curl_lib().easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
    if (t->status == 0 && t->file_scheme) {
      t->status = 200;
    }
  }
  if (t->sink != nullptr
      && (t->status == 200 || (t->status == 206 && !t->range.empty()))) {
    if (!t->started) {
      t->started = true;
      if (t->on_start) {
        t->on_start(*t);
      }
    }
    std::string_view d(data, len);
    auto drop =
      std::min<std::int64_t>(t->skip, static_cast<std::int64_t>(d.size()));
    d.remove_prefix(static_cast<std::size_t>(drop));
    t->skip -= drop;
    // Only bytes past stop_at stop the transfer: a range answer that ends
    // exactly there completes, and its connection stays open for reuse.
    bool stop = false;
    if (t->stop_at >= 0
        && t->passed + static_cast<std::int64_t>(d.size()) > t->stop_at) {
      d = d.substr(0, static_cast<std::size_t>(t->stop_at - t->passed));
      stop = true;
    }
    if (!d.empty()) {
      if (auto ok = (*t->sink)(d); !ok) {
        t->sink_error = ok.error();
        t->sink_failed = true;
        return 0; // aborts the transfer
      }
      t->passed += static_cast<std::int64_t>(d.size());
    }
    if (stop) {
      t->stopped = true;
      return 0; // the rest comes from the other parts
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

std::size_t
on_header(char* data, std::size_t size, std::size_t n, void* user)
{
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * n);
  if (line.starts_with("HTTP/")) {
    t->headers.clear(); // a redirect's headers are not the answer's
  } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    auto value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty()
           && (value.back() == '\r' || value.back() == '\n'
               || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    t->headers[name] = std::string(value);
  }
  return size * n;
}

std::atomic<std::uint64_t> g_range_requests{0};

// The netrc entry for url's host, unless the URL carries its own user.
NetrcEntry
netrc_credentials(const std::string& url, const std::string& netrc_file)
{
  NetrcEntry none;
  CURLU* u = curl_lib().url();
  if (u == nullptr) {
    return none;
  }
  char* host = nullptr;
  char* user = nullptr;
  if (curl_lib().url_set(u, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK
      && curl_lib().url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK
      && curl_lib().url_get(u, CURLUPART_USER, &user, 0) != CURLUE_OK) {
    std::ifstream in(netrc_file);
    std::stringstream text;
    text << in.rdbuf();
    none = netrc_lookup(text.str(), host, false);
  }
  curl_lib().free(host);
  curl_lib().free(user);
  curl_lib().url_cleanup(u);
  return none;
}

std::string
default_netrc()
{
  if (const char* n = std::getenv("NETRC"); n != nullptr && *n != '\0') {
    return n;
  }
  if (const char* home = std::getenv("HOME");
      home != nullptr && *home != '\0') {
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
  SharedPool()
    : m_share(curl_lib().share_init())
  {
    curl_lib().share_setopt(m_share, CURLSHOPT_LOCKFUNC, lock);
    curl_lib().share_setopt(m_share, CURLSHOPT_UNLOCKFUNC, unlock);
    curl_lib().share_setopt(m_share, CURLSHOPT_USERDATA, this);
    curl_lib().share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_lib().share_setopt(
      m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_lib().share_setopt(m_share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
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
    static_cast<SharedPool*>(self)
      ->m_locks[static_cast<std::size_t>(data)]
      .lock();
  }
  static void
  unlock(CURL*, curl_lock_data data, void* self)
  {
    static_cast<SharedPool*>(self)
      ->m_locks[static_cast<std::size_t>(data)]
      .unlock();
  }

  CURLSH* m_share;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> m_locks;
};

std::mutex g_pool_mutex;
SharedPool* g_pool = nullptr;

// The pool of the libcurl loaded now (inside a CurlUse): made on first use,
// gone when libcurl is unloaded. Never destroyed otherwise: easy handles of
// threads still running at exit may point at it.
SharedPool&
shared_pool()
{
  std::lock_guard lock(g_pool_mutex);
  if (g_pool == nullptr) {
    g_pool = new SharedPool;
    at_curl_unload([] {
      curl_lib().share_cleanup(g_pool->get());
      delete g_pool;
      g_pool = nullptr;
    });
  }
  return *g_pool;
}

std::atomic<std::uint64_t> g_connections_opened{0};
std::atomic<std::uint64_t> g_http2_responses{0};

} // namespace

std::uint64_t
http_connections_opened()
{
  return g_connections_opened.load(std::memory_order_relaxed);
}

std::uint64_t
http2_responses()
{
  return g_http2_responses.load(std::memory_order_relaxed);
}

namespace detail {

long
http_version(CURL* c)
{
  long version = 0;
  curl_lib().easy_getinfo(c, CURLINFO_HTTP_VERSION, &version);
  return version;
}

bool
multiplexed(long http_version)
{
  return http_version >= CURL_HTTP_VERSION_2_0;
}

bool
serves_byte_ranges(std::map<std::string, std::string>& headers)
{
  return headers["accept-ranges"] == "bytes"
         && headers.count("content-encoding") == 0;
}

} // namespace detail

HttpClient::Impl::Impl(HttpClientOptions o)
  : options(std::move(o)),
    netrc(options.netrc_file.empty() ? default_netrc() : options.netrc_file)
{
}

HttpClient::HttpClient(HttpClientOptions options)
  : m_impl(std::make_unique<Impl>(std::move(options)))
{
}

HttpClient::~HttpClient() = default;

// The transfer's options: the shared pool, HTTP/2 where offered, limits,
// callbacks into t, credentials and TLS files.
void
HttpClient::Impl::configure(CURL* c, const std::string& url, Transfer& t)
{
  t.curl = c;
  curl_lib().easy_setopt(c, CURLOPT_SHARE, shared_pool().get());
  // Keep as many idle connections as there can be transfers at once (server
  // threads, prefetch jobs): libcurl's default of 5 closes the rest after
  // each transfer, and the next one pays a new handshake.
  curl_lib().easy_setopt(c, CURLOPT_MAXCONNECTS, 64L);
  // HTTP/2 where TLS's ALPN offers it, HTTP/1.1 keep-alive otherwise (and
  // for plain http, where h2c upgrades cost a round trip for nothing).
  // Transfers run on the one upstream loop (upstream_loop.hpp), so those at
  // once are multiplexed on one HTTP/2 connection; over TLS, PIPEWAIT has a
  // transfer that starts while that connection is being opened wait to
  // learn whether it multiplexes rather than open another. Never over plain
  // http: there it would queue transfers behind a busy HTTP/1.1 connection.
  curl_lib().easy_setopt(
    c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_lib().easy_setopt(
    c, CURLOPT_PIPEWAIT, url.starts_with("https:") ? 1L : 0L);
  t.file_scheme = url.starts_with("file:");
  curl_lib().easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_lib().easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_lib().easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_lib().easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_lib().easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https,file");
  // As the go command: never from https down to http on a redirect.
  curl_lib().easy_setopt(c,
                         CURLOPT_REDIR_PROTOCOLS_STR,
                         url.starts_with("https:") ? "https" : "http,https");
  curl_lib().easy_setopt(c, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_lib().easy_setopt(c,
                         CURLOPT_CONNECTTIMEOUT,
                         static_cast<long>(options.connect_timeout.count()));
  curl_lib().easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_lib().easy_setopt(c,
                         CURLOPT_LOW_SPEED_TIME,
                         static_cast<long>(options.stall_timeout.count()));
  if (t.head) {
    curl_lib().easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (t.range.empty()) {
    curl_lib().easy_setopt(
      c, CURLOPT_ACCEPT_ENCODING, ""); // whatever libcurl can decode
  } else {
    // Byte ranges of the bytes themselves, never of an encoding of them.
    curl_lib().easy_setopt(c, CURLOPT_RANGE, t.range.c_str());
    g_range_requests.fetch_add(1, std::memory_order_relaxed);
  }
  curl_lib().easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
  curl_lib().easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_lib().easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_lib().easy_setopt(c, CURLOPT_HEADERDATA, &t);
  // netrc as the go command reads it: the entry for this URL's host only
  // (no "default"), and, set as the request's own user and password, sent
  // to no other host a redirect leads to (curl's netrc would follow it).
  NetrcEntry login;
  if (!netrc.empty() && !t.file_scheme) {
    login = netrc_credentials(url, netrc);
  }
  if (login.found) {
    curl_lib().easy_setopt(c, CURLOPT_USERNAME, login.login.c_str());
    curl_lib().easy_setopt(c, CURLOPT_PASSWORD, login.password.c_str());
  }
  if (!options.ca_file.empty()) {
    curl_lib().easy_setopt(c, CURLOPT_CAINFO, options.ca_file.c_str());
  }
  if (!options.client_cert.empty()) {
    curl_lib().easy_setopt(c, CURLOPT_SSLCERT, options.client_cert.c_str());
  }
  if (!options.client_key.empty()) {
    curl_lib().easy_setopt(c, CURLOPT_SSLKEY, options.client_key.c_str());
  }
}

namespace {

// Connections opened and answers over HTTP/2, for /metrics; the protocol,
// for after the handle is gone.
void
count_transfer(CURL* c, Transfer& t)
{
  long opened = 0;
  if (curl_lib().easy_getinfo(c, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK
      && opened > 0) {
    g_connections_opened.fetch_add(static_cast<std::uint64_t>(opened),
                                   std::memory_order_relaxed);
  }
  t.http_version = http_version(c);
  if (t.http_version == CURL_HTTP_VERSION_2_0) {
    g_http2_responses.fetch_add(1, std::memory_order_relaxed);
  }
}

// What went wrong, in words that name the knob or the rule involved.
std::string
failure_detail(CURLcode rc,
               const char* errbuf,
               const Transfer& t,
               const std::string& url,
               const HttpClientOptions& options)
{
  // errbuf may quote the URL curl used; it never contains the password
  // because curl prints hosts, not userinfo.
  std::string detail =
    errbuf[0] != '\0' ? errbuf : curl_lib().easy_strerror(rc);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    // Say which knob applies: the user's next step is the config table.
    detail +=
      t.status == 0 && t.body.empty()
        ? format(
          " (no connection within connect_timeout {}s, or a stalled answer)",
          options.connect_timeout.count())
        : format(" (stalled longer than stall_timeout {}s)",
                 options.stall_timeout.count());
  }
  if (rc == CURLE_UNSUPPORTED_PROTOCOL && url.starts_with("https:")) {
    detail +=
      " (a redirect from https to plain http was refused, as the go command "
      "refuses it: "
      "credentials and answers would travel unprotected)";
  }
  return detail;
}

// The answer of a transfer that completed.
HttpResponse
answer_of(CURL* c, Transfer& t)
{
  HttpResponse res;
  res.status = t.status;
  res.body = std::move(t.body);
  char* ct = nullptr;
  if (curl_lib().easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK
      && ct != nullptr) {
    res.content_type = ct;
  }
  curl_off_t length = -1;
  if (curl_lib().easy_getinfo(c, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
        == CURLE_OK
      && length >= 0) {
    res.content_length = static_cast<std::int64_t>(length);
  }
  res.headers = t.headers;
  return res;
}

} // namespace

Result<HttpResponse>
HttpClient::Impl::perform(const std::string& url, Transfer& t)
{
  // libcurl loaded (curl_api.hpp) for as long as the handle lives: the
  // handle goes first.
  CurlUse use;
  if (!use.status()) {
    return use.status().error();
  }
  CurlPtr curl(curl_lib().easy_init());
  CURL* c = curl.get();
  if (c == nullptr) {
    return Error::internal("cannot initialise libcurl");
  }
  configure(c, url, t);
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_lib().easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

  CURLcode rc = CURLE_OK;
  {
    SlotGuard slot(options.slots.get(), t.slot_held);
    // file:// reads are local and blocking: no reason to hold up the loop.
    rc = t.file_scheme ? curl_lib().easy_perform(c) : run_on_loop(c);
  }
  count_transfer(c, t);
  if (t.status == 0) {
    curl_lib().easy_getinfo(c, CURLINFO_RESPONSE_CODE, &t.status);
  }
  if (t.sink_failed) {
    return t.sink_error;
  }
  if (t.too_large) {
    return Error::upstream(
      format("{}: response larger than {} bytes", redact_url(url), t.max_body));
  }
  if (t.stopped && rc == CURLE_WRITE_ERROR) {
    rc = CURLE_OK; // ended at stop_at on purpose
  }
  if (t.file_scheme && rc == CURLE_FILE_COULDNT_READ_FILE) {
    // A GOPROXY directory without the file: the protocol's "not here".
    return HttpResponse{404, "not found", "", -1, {}};
  }
  if (t.file_scheme && rc == CURLE_OK && t.status == 0) {
    t.status = 200; // an empty file never reached on_data
  }
  if (rc != CURLE_OK) {
    return Error::upstream(format(
      "{}: {}", redact_url(url), failure_detail(rc, errbuf, t, url, options)));
  }
  return answer_of(c, t);
}

Result<HttpResponse>
HttpClient::get(const std::string& url, std::uint64_t max_body)
{
  Transfer t;
  t.max_body = max_body;
  return m_impl->perform(url, t);
}

Result<HttpResponse>
HttpClient::head(const std::string& url)
{
  Transfer t;
  t.head = true;
  auto r = m_impl->perform(url, t);
  if (r && r->status == 200 && r->content_length > 0
      && serves_byte_ranges(t.headers) && !multiplexed(t.http_version)) {
    detail::remember_size(url, r->content_length);
  }
  return r;
}

std::uint64_t
HttpClient::range_requests()
{
  return g_range_requests.load(std::memory_order_relaxed);
}

} // namespace gpx::agent
