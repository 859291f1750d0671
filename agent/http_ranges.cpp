// Split downloads: a large answer from a server that serves byte ranges,
// fetched as ranges over several connections and handed over in order.

#include "curl_api.hpp"
#include "http_client.hpp"
#include "http_transfer.hpp"
#include "proxy_list.hpp"

#include <gomod/format.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace gpx::agent {

using detail::http_version;
using detail::multiplexed;
using detail::serves_byte_ranges;
using detail::Transfer;

namespace {

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

// Parts are spooled before the sink sees them: never for a size past any
// module zip's, which the sink itself refuses as it streams.
bool
splittable(std::int64_t size, const HttpClientOptions& o)
{
  constexpr std::uint64_t k_split_max = 1ull << 30;
  return size > 0 && static_cast<std::uint64_t>(size) >= o.split_size
         && static_cast<std::uint64_t>(size) <= k_split_max;
}

// Whether t brought exactly bytes from..to (inclusive) of size: a 206 for
// that range, every byte of it.
bool
answered_range(Transfer& t,
               std::int64_t from,
               std::int64_t to,
               std::int64_t size)
{
  return t.headers["content-range"] == format("bytes {}-{}/{}", from, to, size)
         && t.passed == to - from + 1;
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
    return answered_range(t, r.from, r.to, m_size);
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
    if (!answered_range(t, 0, parts->first_end - 1, size)) {
      return Error::upstream(
        format("{}: asked for bytes 0-{}/{}, got a range answer for {:?} ({} "
               "bytes)",
               redact_url(url),
               parts->first_end - 1,
               size,
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

void
detail::remember_size(const std::string& url, std::int64_t size)
{
  known_sizes().remember(url, size);
}

} // namespace gpx::agent
