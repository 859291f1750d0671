#pragma once

// libcurl, loaded on first use. Linked normally, libcurl and the thirty
// libraries it depends on (gnutls, kerberos, ldap, ssh2, p11-kit …) are
// mapped and their constructors run at exec: 4.8 MB of an idle agent's RSS
// that an agent serving from its cache never uses. dlopen on the first
// upstream request puts that cost on the first miss instead.

#include <gomod/result.hpp>

#include <curl/curl.h>

namespace gpx::agent {

struct CurlApi
{
  decltype(&::curl_global_init) global_init;
  decltype(&::curl_easy_init) easy_init;
  decltype(&::curl_easy_reset) easy_reset;
  decltype(&::curl_easy_cleanup) easy_cleanup;
  decltype(&::curl_easy_setopt) easy_setopt;
  decltype(&::curl_easy_getinfo) easy_getinfo;
  decltype(&::curl_easy_perform) easy_perform;
  decltype(&::curl_easy_strerror) easy_strerror;
  decltype(&::curl_share_init) share_init;
  decltype(&::curl_share_setopt) share_setopt;
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
};

// The functions, with curl_global_init done; loaded once per process (the
// library stays mapped until exit). An error says what to install.
Result<const CurlApi*> curl_api();

// The loaded functions, for code that runs only once curl_api() has
// succeeded (an HttpClient made, a transfer under way); loads them
// otherwise, and ends the process if that fails.
const CurlApi& curl_lib();

} // namespace gpx::agent
