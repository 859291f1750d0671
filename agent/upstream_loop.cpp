#include "upstream_loop.hpp"

#include "curl_api.hpp"
#include "heap.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace gpx::agent {

namespace {

thread_local bool t_on_loop = false;

class Loop;
std::atomic<Loop*> g_loop{nullptr};

class Loop
{
public:
  // Inside a CurlUse; its thread ends, and the loop with it, when libcurl
  // is unloaded (curl_api.hpp).
  Loop()
    : m_multi(curl_lib().multi_init())
  {
    curl_lib().multi_setopt(
      m_multi, CURLMOPT_PIPELINING, static_cast<long>(CURLPIPE_MULTIPLEX));
    // Idle connections kept for the next transfers (libcurl's default keeps
    // 4 times the handles, which falls to 4 between bursts).
    curl_lib().multi_setopt(m_multi, CURLMOPT_MAXCONNECTS, 64L);
    at_curl_unload([this] {
      curl_lib().multi_cleanup(m_multi);
      g_loop.store(nullptr);
    });
    std::thread([this] {
      drive();
      delete this;
    }).detach();
  }

  CURLcode
  run(CURL* easy)
  {
    Job job{easy};
    {
      std::lock_guard lock(m_mutex);
      m_incoming.push_back(&job);
    }
    curl_lib().multi_wakeup(m_multi);
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [&] { return job.done; });
    return job.rc;
  }

private:
  struct Job
  {
    CURL* easy;
    CURLcode rc = CURLE_OK;
    bool done = false;
  };

  void
  finish(Job* job, CURLcode rc)
  {
    {
      std::lock_guard lock(m_mutex);
      job->rc = rc;
      job->done = true;
    }
    m_done.notify_all();
  }

  // The new transfers onto the multi handle.
  void
  add_incoming()
  {
    std::vector<Job*> jobs;
    {
      std::lock_guard lock(m_mutex);
      jobs.swap(m_incoming);
    }
    for (Job* job : jobs) {
      curl_lib().easy_setopt(job->easy, CURLOPT_PRIVATE, job);
      if (curl_lib().multi_add_handle(m_multi, job->easy) != CURLM_OK) {
        finish(job, CURLE_FAILED_INIT);
      }
    }
  }

  // The transfers that ended, back to their callers.
  void
  hand_back_done()
  {
    int left = 0;
    while (CURLMsg* msg = curl_lib().multi_info_read(m_multi, &left)) {
      if (msg->msg != CURLMSG_DONE) {
        continue;
      }
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result; // msg dies with the removal
      Job* job = nullptr;
      curl_lib().easy_getinfo(easy, CURLINFO_PRIVATE, &job);
      curl_lib().multi_remove_handle(m_multi, easy);
      if (job != nullptr) {
        finish(job, rc);
      }
    }
  }

  // Until libcurl is unloaded: only this thread unloads it, between polls,
  // once no transfer has run for the idle time.
  void
  drive()
  {
    t_on_loop = true;
    do {
      add_incoming();
      int running = 0;
      curl_lib().multi_perform(m_multi, &running);
      hand_back_done();
      // Woken early by multi_wakeup when a transfer is handed in.
      curl_lib().multi_poll(m_multi, nullptr, 0, 1000, nullptr);
    } while (!unload_curl_if_idle());
    give_back_heap(); // what libcurl, its connections and the rest held
  }

  CURLM* m_multi;
  std::mutex m_mutex;
  std::condition_variable m_done;
  std::vector<Job*> m_incoming;
};

// The loop of the libcurl loaded now, started by the first transfer (which
// holds a CurlUse, so no unload runs meanwhile).
Loop&
loop()
{
  static std::mutex starting;
  std::lock_guard lock(starting);
  if (g_loop.load() == nullptr) {
    g_loop.store(new Loop);
  }
  return *g_loop.load();
}

} // namespace

bool
on_upstream_loop()
{
  return t_on_loop;
}

CURLcode
run_on_loop(CURL* easy)
{
  if (t_on_loop) {
    return curl_lib().easy_perform(easy);
  }
  return loop().run(easy);
}

} // namespace gpx::agent
