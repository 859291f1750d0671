#pragma once

// libcurl, loaded on first use and unloaded when idle. Linked normally,
// libcurl and the thirty libraries it depends on (gnutls, kerberos, ldap,
// ssh2, p11-kit …) are mapped and their constructors run at exec: 4.8 MB of
// an idle agent's RSS that an agent serving from its cache never uses.
// dlopen on the first upstream request puts that cost on the first miss;
// dlclose once no transfer has run for a while (the agent's upstream_idle)
// gives most of it back, and the next miss loads it again.

#include <gomod/result.hpp>

#include <curl/curl.h>

#include <chrono>
#include <functional>

namespace gpx::agent {

struct CurlApi
{
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_global_cleanup) global_cleanup;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_share_init) share_init;
  decltype(&::curl_share_setopt) share_setopt;
  decltype(&::curl_share_cleanup) share_cleanup;
  decltype(&::curl_url) url;
  decltype(&::curl_url_set) url_set;
  decltype(&::curl_url_get) url_get;
  decltype(&::curl_url_cleanup) url_cleanup;
  decltype(&::curl_free) free;
  decltype(&::curl_multi_init) multi_init;
  decltype(&::curl_multi_setopt) multi_setopt;
  decltype(&::curl_multi_add_handle) multi_add_handle;
  decltype(&::curl_multi_remove_handle) multi_remove_handle;
  decltype(&::curl_multi_perform) multi_perform;
  decltype(&::curl_multi_poll) multi_poll;
  decltype(&::curl_multi_wakeup) multi_wakeup;
  decltype(&::curl_multi_info_read) multi_info_read;
  decltype(&::curl_multi_cleanup) multi_cleanup;
};

// While one lives, on any thread, libcurl is loaded (the first one loads
// it, with curl_global_init) and stays loaded. Every use of curl_lib() is
// inside one: a transfer holds one from its first call to its last.
class CurlUse
{
public:
  CurlUse();
  ~CurlUse();
  CurlUse(const CurlUse&) = delete;
  CurlUse& operator=(const CurlUse&) = delete;

  // An error names what to install.
  const Status&
  status() const
  {
    return m_status;
  }

private:
  Status m_status;
};

// The loaded functions, inside a CurlUse (or on the upstream loop's thread,
// which runs for transfers that hold theirs).
const CurlApi& curl_lib();

// What libcurl must release before it goes (a share or multi handle):
// called when libcurl is unloaded, the latest registered first, with
// libcurl still loaded. Registered by whoever made the object, inside a
// CurlUse; forgotten once called.
void at_curl_unload(std::function<void()> release);

// How long libcurl may sit unused before unload_curl_if_idle unloads it;
// zero (the default) keeps it loaded for good.
void set_curl_idle(std::chrono::milliseconds idle);

// Unloads libcurl (its connections close) if no CurlUse has lived for the
// idle time, then runs what when_curl_unloaded set; true when it did. The
// upstream loop calls it between polls.
bool unload_curl_if_idle();

// What else to give back once the upstreams have gone quiet (the cache
// index's memory): run by unload_curl_if_idle after each unload, outside
// the lock over libcurl. Replaces the one before; an empty function
// removes it (before what it uses goes).
void when_curl_unloaded(std::function<void()> then);

// How many times libcurl was loaded, for tests.
std::uint64_t curl_loads();

} // namespace gpx::agent
