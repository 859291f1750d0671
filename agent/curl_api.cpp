#include "curl_api.hpp"

#include "shared_library.hpp"

#include <gomod/format.hpp>

#include <mutex>
#include <vector>

namespace gpx::agent {

namespace {

// libcurl's soname: 4 since 2006, and the one CMake found at build time.
constexpr const char* k_soname = "libcurl.so.4";

Result<CurlApi>
bind(void* lib)
{
  CurlApi a{};
  const char* missing = nullptr;
  auto need = [&](auto& fn, const char* name) {
    if (missing == nullptr && !bind_symbol(lib, fn, name)) {
      missing = name;
    }
  };
  need(a.global_init, "curl_global_init");
  need(a.global_cleanup, "curl_global_cleanup");
  need(a.easy_init, "curl_easy_init");
  need(a.easy_cleanup, "curl_easy_cleanup");
  need(a.easy_setopt, "curl_easy_setopt");
  need(a.easy_getinfo, "curl_easy_getinfo");
  need(a.easy_perform, "curl_easy_perform");
  need(a.easy_strerror, "curl_easy_strerror");
  need(a.share_init, "curl_share_init");
  need(a.share_setopt, "curl_share_setopt");
  need(a.share_cleanup, "curl_share_cleanup");
  need(a.url, "curl_url");
  need(a.url_set, "curl_url_set");
  need(a.url_get, "curl_url_get");
  need(a.url_cleanup, "curl_url_cleanup");
  need(a.free, "curl_free");
  need(a.multi_init, "curl_multi_init");
  need(a.multi_setopt, "curl_multi_setopt");
  need(a.multi_add_handle, "curl_multi_add_handle");
  need(a.multi_remove_handle, "curl_multi_remove_handle");
  need(a.multi_perform, "curl_multi_perform");
  need(a.multi_poll, "curl_multi_poll");
  need(a.multi_wakeup, "curl_multi_wakeup");
  need(a.multi_info_read, "curl_multi_info_read");
  need(a.multi_cleanup, "curl_multi_cleanup");
  if (missing != nullptr) {
    return Error::internal(format(
      "{} has no {}: gpx needs libcurl 7.85 or later", k_soname, missing));
  }
  return a;
}

// Loaded or not, and who uses it: one mutex over all of it, so that an
// unload never overlaps a use.
class Runtime
{
public:
  Status
  acquire()
  {
    std::lock_guard lock(m_mutex);
    if (m_lib == nullptr) {
      GPX_TRY(load());
    }
    ++m_uses;
    return {};
  }

  void
  release()
  {
    std::lock_guard lock(m_mutex);
    if (--m_uses == 0) {
      m_last_use = std::chrono::steady_clock::now();
    }
  }

  void
  at_unload(std::function<void()> release)
  {
    std::lock_guard lock(m_mutex);
    m_releases.push_back(std::move(release));
  }

  void
  set_idle(std::chrono::milliseconds idle)
  {
    std::lock_guard lock(m_mutex);
    m_idle = idle;
  }

  bool
  unload_if_idle()
  {
    std::lock_guard lock(m_mutex);
    if (m_lib == nullptr || m_uses > 0 || m_idle.count() == 0
        || std::chrono::steady_clock::now() - m_last_use < m_idle) {
      return false;
    }
    while (!m_releases.empty()) {
      auto release = std::move(m_releases.back());
      m_releases.pop_back();
      release();
    }
    m_api.global_cleanup();
    dlclose(m_lib);
    m_lib = nullptr;
    m_api = {};
    return true;
  }

  const CurlApi&
  api() const
  {
    return m_api;
  }

  std::uint64_t
  loads()
  {
    std::lock_guard lock(m_mutex);
    return m_loads;
  }

private:
  Status
  load()
  {
    auto lib = open_library(k_soname, "libcurl (apt-get install libcurl4)");
    if (!lib) {
      return lib.error();
    }
    auto api = bind(*lib);
    if (!api) {
      dlclose(*lib);
      return api.error();
    }
    // libcurl 7.84 and later, built thread-safe as Debian's is, allow this
    // on any thread.
    if (auto rc = api->global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
      auto why =
        format("libcurl failed to initialise: {}", api->easy_strerror(rc));
      dlclose(*lib);
      return Error::internal(why);
    }
    m_lib = *lib;
    m_api = *api;
    ++m_loads;
    return {};
  }

  std::mutex m_mutex;
  void* m_lib = nullptr;
  CurlApi m_api{};
  int m_uses = 0;
  std::uint64_t m_loads = 0;
  std::chrono::steady_clock::time_point m_last_use;
  std::chrono::milliseconds m_idle{0};
  std::vector<std::function<void()>> m_releases;
};

// Apart from the runtime's lock: the function may take locks of its own.
std::mutex g_unloaded_mutex;
std::function<void()> g_unloaded;

Runtime&
runtime()
{
  // Never destroyed: the upstream loop's thread may still be in it at exit.
  static auto* r = new Runtime;
  return *r;
}

} // namespace

CurlUse::CurlUse()
  : m_status(runtime().acquire())
{
}

CurlUse::~CurlUse()
{
  if (m_status) {
    runtime().release();
  }
}

const CurlApi&
curl_lib()
{
  return runtime().api();
}

void
at_curl_unload(std::function<void()> release)
{
  runtime().at_unload(std::move(release));
}

void
set_curl_idle(std::chrono::milliseconds idle)
{
  runtime().set_idle(idle);
}

bool
unload_curl_if_idle()
{
  if (!runtime().unload_if_idle()) {
    return false;
  }
  std::lock_guard lock(g_unloaded_mutex);
  if (g_unloaded) {
    g_unloaded();
  }
  return true;
}

void
when_curl_unloaded(std::function<void()> then)
{
  std::lock_guard lock(g_unloaded_mutex);
  g_unloaded = std::move(then);
}

std::uint64_t
curl_loads()
{
  return runtime().loads();
}

} // namespace gpx::agent
