#include "http_client.hpp"

#include "curl_api.hpp"
#include "git_credentials.hpp"
#include "proxy_list.hpp"
#include "upstream_loop.hpp"

#include <gomod/format.hpp>

#include <curl/curl.h>

#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gpx::agent {

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

struct Transfer
{
  const HttpClient::Sink* sink = nullptr; // null: collect into body
  std::string range;                      // "a-b" or "a-": a Range request
  bool head = false;                      // a HEAD: headers only
  std::int64_t skip =
    0; // bytes to drop first (a 200 answer to a Range request)
  std::int64_t stop_at =
    -1; // pass no more than this to the sink, then end the transfer
  std::int64_t passed = 0; // bytes handed to the sink
  bool stopped = false;    // ended at stop_at on purpose
  bool started = false;
  std::function<void(Transfer&)> on_start; // at the first body byte
  std::map<std::string, std::string>
    headers; // of the last answer, names lowercased
  std::uint64_t max_body = 0;
  long status = 0;
  std::string body;
  bool too_large = false;
  Error sink_error;
  bool sink_failed = false;
  bool file_scheme = false; // file:// has no status line; a read is a 200
  bool slot_held = false;   // its transfer slot was taken for it (a part)
  CURL* curl = nullptr;     // while the transfer runs
  long http_version = 0;    // CURL_HTTP_VERSION_*, once it ended
};

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

long
http_version(CURL* c)
{
  long version = 0;
  curl_lib().easy_getinfo(c, CURLINFO_HTTP_VERSION, &version);
  return version;
}

// Whether an answer came over HTTP/2 or 3. The ranges of a split download
// would all be streams of that one connection (the upstream loop
// multiplexes), sharing its bandwidth: splitting would buy nothing but
// spool files.
bool
multiplexed(long http_version)
{
  return http_version >= CURL_HTTP_VERSION_2_0;
}

// Whether an answer's headers promise byte ranges of the bytes themselves
// (never of an encoding of them): what a split download needs.
bool
serves_byte_ranges(std::map<std::string, std::string>& headers)
{
  return headers["accept-ranges"] == "bytes"
         && headers.count("content-encoding") == 0;
}

// What earlier HEADs said of URLs' answers: their size, where the server
// serves byte ranges of them. A prefetch HEADs every zip before it fetches
// any, so the GET that follows can be split from its first byte instead of
// cutting a whole answer short (which costs its connection). Bounded: a
// HEAD whose GET never comes is forgotten when the table fills.
class KnownSizes
{
public:
  void
  remember(const std::string& url, std::int64_t size)
  {
    std::lock_guard lock(m_mutex);
    if (m_sizes.size() >= k_max) {
      m_sizes.clear();
    }
    m_sizes[url] = size;
  }

  // The size, once: -1 when no HEAD told it.
  std::int64_t
  take(const std::string& url)
  {
    std::lock_guard lock(m_mutex);
    auto it = m_sizes.find(url);
    if (it == m_sizes.end()) {
      return -1;
    }
    auto size = it->second;
    m_sizes.erase(it);
    return size;
  }

private:
  static constexpr std::size_t k_max = 4096;
  std::mutex m_mutex;
  std::unordered_map<std::string, std::int64_t> m_sizes;
};

KnownSizes&
known_sizes()
{
  static KnownSizes sizes;
  return sizes;
}

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

struct HttpClient::Impl
{
  explicit Impl(HttpClientOptions o)
    : options(std::move(o)),
      netrc(options.netrc_file.empty() ? default_netrc() : options.netrc_file)
  {
  }

  HttpClientOptions options;
  std::string netrc;

  Result<HttpResponse> perform(const std::string& url, Transfer& t);
  void configure(CURL* c, const std::string& url, Transfer& t);
};

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
    known_sizes().remember(url, r->content_length);
  }
  return r;
}

std::uint64_t
HttpClient::range_requests()
{
  return g_range_requests.load(std::memory_order_relaxed);
}

namespace {

// Parts are spooled before the sink sees them: never for a size past any
// module zip's, which the sink itself refuses as it streams.
bool
splittable(std::int64_t size, const HttpClientOptions& o)
{
  constexpr std::uint64_t k_split_max = 1ull << 30;
  return size > 0 && static_cast<std::uint64_t>(size) >= o.split_size
         && static_cast<std::uint64_t>(size) <= k_split_max;
}

// The size of a split download's ranges: about four for each connection the
// download may use, so that a connection another transfer frees halfway
// still finds a share to take, and no less than a quarter of split_size,
// so that each range's extra round trip stays small against its bytes.
std::int64_t
range_size(std::int64_t size, const HttpClientOptions& o)
{
  const std::int64_t per_part = 4 * std::max(2, o.split_parts);
  const auto least =
    static_cast<std::int64_t>(std::max<std::uint64_t>(o.split_size / 4, 1));
  return std::max((size + per_part - 1) / per_part, least);
}

// A split download: size bytes cut into ranges. The caller streams the
// first range into the sink itself; the rest go to spool files, fetched by
// worker threads, each holding a transfer slot of its own, and are handed
// to the sink in order. Workers start while slots are free (up to
// split_parts - 1 of them), also halfway through, when another transfer
// ends; a worker gives its slot back between ranges while a request waits
// for one. A range no worker took, the caller fetches straight into the
// sink; while the next range is still on its way it fetches a later one.
class Parts
{
public:
  Parts(const std::string& url,
        HttpClientOptions options,
        std::int64_t size,
        std::int64_t range)
    : m_url(url),
      m_options(std::move(options)),
      m_size(size),
      first_end(std::min(size, range))
  {
    for (std::int64_t from = first_end; from < size; from += range) {
      m_ranges.push_back(
        Range{from, std::min(size, from + range) - 1, spool_path(from)});
    }
    m_options.split_size = 0; // a range is never split again
    std::lock_guard lock(m_mutex);
    start_workers();
  }
  ~Parts()
  {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true; // no worker starts from here on
    }
    for (auto& th : m_threads) {
      th.join();
    }
    for (const auto& r : m_ranges) {
      std::remove(r.spool.c_str());
    }
  }
  Parts(const Parts&) = delete;
  Parts& operator=(const Parts&) = delete;

  // Whether any range runs beside the first: otherwise a first answer whose
  // size was not known is better left whole than cut.
  bool
  parallel()
  {
    std::lock_guard lock(m_mutex);
    return m_workers > 0;
  }

  // The ranges after the first, in order, into sink. From a range that
  // failed on, the rest comes in one request (a server that stopped
  // honouring ranges still works).
  Result<HttpResponse>
  finish(HttpClient::Impl& impl, const HttpClient::Sink& sink)
  {
    for (std::size_t i = 0; i < m_ranges.size(); ++i) {
      Range& r = m_ranges[i];
      std::unique_lock lock(m_mutex);
      while (r.state == State::running) {
        start_workers();
        if (m_next < m_ranges.size() && !m_stop) {
          // Meanwhile, a later range on this connection.
          run(m_ranges[m_next++], lock, false);
        } else {
          m_changed.wait(lock);
        }
      }
      if (r.state == State::waiting) {
        start_workers();
        m_next = i + 1;
        r.state = State::running;
        lock.unlock();
        auto direct = fetch_into(impl, r, sink);
        if (!direct || *direct) {
          return direct ? HttpResponse{200, "", "", -1, {}}
                        : Result<HttpResponse>(direct.error());
        }
        continue;
      }
      if (r.state == State::failed) {
        m_stop = true;
        lock.unlock();
        return rest(impl, r.from, sink);
      }
      lock.unlock();
      std::ifstream in(r.spool, std::ios::binary);
      std::array<char, 64 * 1024> buf;
      while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
        GPX_TRY(sink(
          std::string_view(buf.data(), static_cast<std::size_t>(in.gcount()))));
      }
      in.close();
      std::remove(r.spool.c_str());
    }
    return HttpResponse{200, "", "", -1, {}};
  }

private:
  enum class State { waiting, running, done, failed };
  struct Range
  {
    std::int64_t from = 0;
    std::int64_t to = 0; // inclusive
    std::string spool;
    State state = State::waiting;
  };

  std::string
  spool_path(std::int64_t from) const
  {
    static std::atomic<std::uint64_t> seq{0};
    return m_options.spool_dir + "/part-" + std::to_string(::getpid()) + "-"
           + std::to_string(seq.fetch_add(1)) + "-" + std::to_string(from);
  }

  // Workers for ranges nobody took, while slots are free; m_mutex held.
  void
  start_workers()
  {
    const auto most =
      static_cast<std::size_t>(std::max(2, m_options.split_parts) - 1);
    while (!m_stop
           && static_cast<std::size_t>(m_workers)
                < std::min(most, m_ranges.size() - m_next)
           && (!m_options.slots || m_options.slots->try_acquire())) {
      ++m_workers;
      m_threads.emplace_back([this] { work(); });
    }
  }

  void
  work()
  {
    std::unique_lock lock(m_mutex);
    while (!m_stop && m_next < m_ranges.size()) {
      run(m_ranges[m_next++], lock, true);
      if (m_options.slots && m_options.slots->waiting() > 0) {
        break; // a request waits for a connection: this one is free now
      }
    }
    --m_workers;
    lock.unlock();
    if (m_options.slots) {
      m_options.slots->release();
    }
  }

  // Fetches r into its spool file; lock held on entry and on return.
  void
  run(Range& r, std::unique_lock<std::mutex>& lock, bool slot_held)
  {
    r.state = State::running;
    lock.unlock();
    bool ok = spool(r, slot_held);
    lock.lock();
    r.state = ok ? State::done : State::failed;
    m_stop = m_stop || !ok;
    m_changed.notify_all();
  }

  bool
  spool(const Range& r, bool slot_held)
  {
    std::ofstream out(r.spool, std::ios::binary | std::ios::trunc);
    HttpClient::Sink to_file = [&](std::string_view d) -> Status {
      out.write(d.data(), static_cast<std::streamsize>(d.size()));
      return out ? Status{} : Error::io("cannot write " + r.spool);
    };
    Transfer t;
    t.sink = &to_file;
    t.range = std::to_string(r.from) + "-" + std::to_string(r.to);
    // Only a 206 with exactly this range counts; anything else falls back.
    t.stop_at = r.to - r.from + 1;
    t.slot_held = slot_held;
    HttpClient::Impl impl(m_options);
    auto got = impl.perform(m_url, t);
    out.close();
    return got && t.status == 206 && exact(t, r) && out;
  }

  bool
  exact(Transfer& t, const Range& r) const
  {
    return t.headers["content-range"]
             == format("bytes {}-{}/{}", r.from, r.to, m_size)
           && t.passed == r.to - r.from + 1;
  }

  // r straight into sink: false when it came as asked, true when the
  // server answered the whole file instead (the rest is in sink then).
  Result<bool>
  fetch_into(HttpClient::Impl& impl,
             const Range& r,
             const HttpClient::Sink& sink)
  {
    Transfer t;
    t.sink = &sink;
    t.range = std::to_string(r.from) + "-" + std::to_string(r.to);
    t.stop_at = r.to - r.from + 1;
    t.on_start = [from = r.from](Transfer& x) {
      if (x.status == 200) { // Range ignored: the whole file, from here on
        x.skip = from;
        x.stop_at = -1;
      }
    };
    auto got = impl.perform(m_url, t);
    if (!got) {
      return got.error();
    }
    if (t.status == 200 && t.passed == m_size - r.from) {
      return true;
    }
    if (t.status != 206 || !exact(t, r)) {
      return Error::upstream(
        format("{}: asked for bytes {}-{}, got {} {:?} ({} bytes)",
               redact_url(m_url),
               r.from,
               r.to,
               t.status,
               t.headers["content-range"],
               t.passed));
    }
    return false;
  }

  Result<HttpResponse>
  rest(HttpClient::Impl& impl, std::int64_t from, const HttpClient::Sink& sink)
  {
    Transfer t;
    t.sink = &sink;
    t.range = std::to_string(from) + "-";
    t.on_start = [from](Transfer& x) { x.skip = x.status == 200 ? from : 0; };
    return impl.perform(m_url, t);
  }

  std::string m_url;
  HttpClientOptions m_options;
  std::int64_t m_size;
  std::vector<Range> m_ranges; // after the first; fixed once built
  std::mutex m_mutex;
  std::condition_variable m_changed;
  std::size_t m_next = 0; // the first range nobody took
  int m_workers = 0;
  bool m_stop = false;
  std::vector<std::thread> m_threads; // grows only while !m_stop

public:
  const std::int64_t first_end;
};

} // namespace

Result<HttpResponse>
HttpClient::get_stream(const std::string& url, const Sink& sink)
{
  Transfer t;
  t.sink = &sink;
  std::unique_ptr<Parts> parts;
  std::int64_t size = -1;
  const auto& o = m_impl->options;
  bool may_split =
    o.split_size > 0 && !o.spool_dir.empty() && !url.starts_with("file:");
  if (may_split) {
    size = known_sizes().take(url);
  }
  if (may_split && splittable(size, o)) {
    // An earlier HEAD gave the size: the first part is a range too, so that
    // every part's answer ends where it should and no connection is cut.
    // Split even with no slot free now: workers join when slots free up.
    parts = std::make_unique<Parts>(url, o, size, range_size(size, o));
    t.range = "0-" + std::to_string(parts->first_end - 1);
    t.stop_at = parts->first_end; // a server that ignores Range
  } else if (may_split) {
    t.on_start = [&](Transfer& first) {
      curl_off_t length = -1;
      curl_lib().easy_getinfo(
        first.curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (first.status != 200 || !splittable(length, o)
          || !serves_byte_ranges(first.headers)
          || multiplexed(http_version(first.curl))) {
        return;
      }
      parts = std::make_unique<Parts>(url, o, length, range_size(length, o));
      if (!parts->parallel()) {
        parts.reset(); // every connection busy: one request, not cut
        return;
      }
      size = length;
      // Cut short where the first part ends: this answer's connection is
      // lost, the price of not knowing the size before the GET.
      first.stop_at = parts->first_end;
    };
  }
  auto r = m_impl->perform(url, t);
  if (!parts || !r) {
    return r;
  }
  if (r->status == 206) {
    auto want = format("bytes 0-{}/{}", parts->first_end - 1, size);
    if (t.headers["content-range"] != want || t.passed != parts->first_end) {
      return Error::upstream(
        format("{}: asked for {}, got a range answer for {:?} ({} bytes)",
               redact_url(url),
               want,
               t.headers["content-range"],
               t.passed));
    }
    return parts->finish(*m_impl, sink);
  }
  if (r->status != 200 || !t.stopped) {
    // An error, or the whole answer came on the first connection after all.
    return r;
  }
  return parts->finish(*m_impl, sink);
}

} // namespace gpx::agent
