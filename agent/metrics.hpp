#pragma once

// Counters for /metrics in the Prometheus text format. Updates are atomic
// increments on the request path; rendering reads them without locks.

#include <agent/request.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace gpx::agent {

class Metrics
{
public:
  // One answered request: its endpoint, HTTP status, whether it came from
  // the cache, the bytes sent and how long it took.
  void record(Endpoint endpoint,
              int status,
              bool from_cache,
              std::uint64_t bytes,
              std::chrono::nanoseconds latency);
  // A request whose path names no endpoint (answered 400 or 404): counted
  // under endpoint="invalid" as an error.
  void record_invalid(std::chrono::nanoseconds latency);
  void add_fetched(std::uint64_t bytes);
  void add_upstream_error();

  // The running totals that `gpx stats` keeps across restarts (as index
  // counters named after the fields).
  struct Totals
  {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t upstream_errors = 0;
    std::uint64_t bytes_served = 0;
    std::uint64_t bytes_fetched = 0;
  };
  Totals totals() const;

  // cache_bytes / cache_entries come from the index at scrape time.
  std::string render(std::int64_t cache_bytes,
                     std::int64_t cache_entries) const;

  static constexpr std::array<double, 10> k_buckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};

private:
  static constexpr int k_endpoints = 7; // Endpoint values plus "invalid"
  static constexpr int k_outcomes = 4;  // hit, miss, not_found, error
  static constexpr std::size_t k_invalid = k_endpoints - 1;
  static constexpr std::size_t k_error = 3;

  void record_at(std::size_t endpoint,
                 std::size_t outcome,
                 std::uint64_t bytes,
                 std::chrono::nanoseconds latency);

  std::array<std::array<std::atomic<std::uint64_t>, k_outcomes>, k_endpoints>
    m_requests{};
  std::array<std::atomic<std::uint64_t>, k_buckets.size() + 1>
    m_latency_buckets{};
  std::atomic<std::uint64_t> m_latency_sum_ns{0};
  std::atomic<std::uint64_t> m_latency_count{0};
  std::atomic<std::uint64_t> m_bytes_served{0};
  std::atomic<std::uint64_t> m_bytes_fetched{0};
  std::atomic<std::uint64_t> m_upstream_errors{0};
};

} // namespace gpx::agent
