#include "metrics.hpp"

#include <agent/http_client.hpp>
#include <gomod/format.hpp>

namespace gpx::agent {

namespace {

constexpr std::array<const char*, 7> k_endpoint_names = {
  "list", "info", "mod", "zip", "latest", "sumdb", "invalid"};
constexpr std::array<const char*, 4> k_outcome_names = {
  "hit", "miss", "not_found", "error"};

int
outcome(int status, bool from_cache)
{
  if (status == 404 || status == 410) {
    return 2;
  }
  if (status >= 400) {
    return 3;
  }
  return from_cache ? 0 : 1;
}

} // namespace

void
Metrics::record(Endpoint endpoint,
                int status,
                bool from_cache,
                std::uint64_t bytes,
                std::chrono::nanoseconds latency)
{
  auto e = static_cast<std::size_t>(endpoint);
  if (e >= k_invalid || status == 400) {
    e = k_invalid;
  }
  record_at(
    e, static_cast<std::size_t>(outcome(status, from_cache)), bytes, latency);
}

void
Metrics::record_invalid(std::chrono::nanoseconds latency)
{
  record_at(k_invalid, k_error, 0, latency);
}

void
Metrics::record_at(std::size_t endpoint,
                   std::size_t outcome,
                   std::uint64_t bytes,
                   std::chrono::nanoseconds latency)
{
  m_requests[endpoint][outcome].fetch_add(1, std::memory_order_relaxed);
  m_bytes_served.fetch_add(bytes, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(latency).count();
  std::size_t b = 0;
  while (b < k_buckets.size() && seconds > k_buckets[b]) {
    ++b;
  }
  m_latency_buckets[b].fetch_add(1, std::memory_order_relaxed);
  m_latency_sum_ns.fetch_add(static_cast<std::uint64_t>(latency.count()),
                             std::memory_order_relaxed);
  m_latency_count.fetch_add(1, std::memory_order_relaxed);
}

void
Metrics::add_fetched(std::uint64_t bytes)
{
  m_bytes_fetched.fetch_add(bytes, std::memory_order_relaxed);
}

void
Metrics::add_upstream_error()
{
  m_upstream_errors.fetch_add(1, std::memory_order_relaxed);
}

std::string
Metrics::render(std::int64_t cache_bytes, std::int64_t cache_entries) const
{
  std::string out;
  out +=
    "# HELP gpx_requests_total Requests answered, by endpoint and outcome.\n";
  out += "# TYPE gpx_requests_total counter\n";
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  for (std::size_t e = 0; e < k_endpoints; ++e) {
    for (std::size_t o = 0; o < k_outcomes; ++o) {
      auto n = m_requests[e][o].load(std::memory_order_relaxed);
      out += format("gpx_requests_total{{endpoint=\"{}\",outcome=\"{}\"}} {}\n",
                    k_endpoint_names[e],
                    k_outcome_names[o],
                    n);
      hits += o == 0 ? n : 0;
      misses += o == 1 ? n : 0;
    }
  }
  auto counter = [&](const char* name, const char* help, std::uint64_t v) {
    out += format(
      "# HELP {} {}\n# TYPE {} counter\n{} {}\n", name, help, name, name, v);
  };
  auto gauge = [&](const char* name, const char* help, std::int64_t v) {
    out += format(
      "# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, v);
  };
  counter("gpx_cache_hits_total", "Requests answered from the cache.", hits);
  counter("gpx_cache_misses_total",
          "Requests that needed an upstream fetch.",
          misses);
  counter("gpx_upstream_errors_total",
          "Upstream fetches that failed (not 404/410).",
          m_upstream_errors.load());
  counter("gpx_bytes_served_total",
          "Response body bytes sent to clients.",
          m_bytes_served.load());
  counter("gpx_bytes_fetched_total",
          "Bytes fetched from upstreams into the cache.",
          m_bytes_fetched.load());
  counter("gpx_upstream_connections_opened_total",
          "Upstream connections opened (one pool for the whole agent).",
          http_connections_opened());
  counter("gpx_upstream_http2_responses_total",
          "Upstream answers received over HTTP/2.",
          http2_responses());
  counter("gpx_upstream_range_requests_total",
          "Byte-range requests of split downloads.",
          HttpClient::range_requests());
  gauge("gpx_cache_bytes", "Bytes of artifacts in the cache.", cache_bytes);
  gauge("gpx_cache_entries", "Artifacts in the cache.", cache_entries);

  out += "# HELP gpx_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE gpx_request_duration_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < k_buckets.size(); ++b) {
    cumulative += m_latency_buckets[b].load(std::memory_order_relaxed);
    out += format("gpx_request_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                  k_buckets[b],
                  cumulative);
  }
  cumulative +=
    m_latency_buckets[k_buckets.size()].load(std::memory_order_relaxed);
  out += format("gpx_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n",
                cumulative);
  out += format("gpx_request_duration_seconds_sum {}\n",
                static_cast<double>(m_latency_sum_ns.load()) / 1e9);
  out +=
    format("gpx_request_duration_seconds_count {}\n", m_latency_count.load());
  return out;
}

Metrics::Totals
Metrics::totals() const
{
  Totals t;
  for (std::size_t e = 0; e < k_endpoints; ++e) {
    t.hits += m_requests[e][0].load(std::memory_order_relaxed);
    t.misses += m_requests[e][1].load(std::memory_order_relaxed);
  }
  t.upstream_errors = m_upstream_errors.load();
  t.bytes_served = m_bytes_served.load();
  t.bytes_fetched = m_bytes_fetched.load();
  return t;
}

} // namespace gpx::agent
