#include "curl_api.hpp"

#include "shared_library.hpp"

#include <gomod/format.hpp>

namespace gpx::agent {

namespace {

// libcurl's soname: 4 since 2006, and the one CMake found at build time.
constexpr const char* k_soname = "libcurl.so.4";

Result<CurlApi>
load()
{
  auto lib = open_library(k_soname, "libcurl (apt-get install libcurl4)");
  if (!lib) {
    return lib.error();
  }
  CurlApi a{};
  const char* missing = nullptr;
  auto need = [&](auto& fn, const char* name) {
    if (missing == nullptr && !bind_symbol(*lib, fn, name)) {
      missing = name;
    }
  };
  need(a.global_init, "curl_global_init");
  need(a.easy_init, "curl_easy_init");
  need(a.easy_reset, "curl_easy_reset");
  need(a.easy_cleanup, "curl_easy_cleanup");
  need(a.easy_setopt, "curl_easy_setopt");
  need(a.easy_getinfo, "curl_easy_getinfo");
  need(a.easy_perform, "curl_easy_perform");
  need(a.easy_strerror, "curl_easy_strerror");
  need(a.share_init, "curl_share_init");
  need(a.share_setopt, "curl_share_setopt");
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
  if (missing != nullptr) {
    return Error::internal(format(
      "{} has no {}: gpx needs libcurl 7.85 or later", k_soname, missing));
  }
  // libcurl 7.84 and later, built thread-safe as Debian's is, allow this on
  // any thread.
  if (auto rc = a.global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
    return Error::internal(
      format("libcurl failed to initialise: {}", a.easy_strerror(rc)));
  }
  return a;
}

} // namespace

Result<const CurlApi*>
curl_api()
{
  return load_once(load);
}

const CurlApi&
curl_lib()
{
  return loaded_or_exit(curl_api());
}

} // namespace gpx::agent
