#pragma once

// A stand-in for the agent as gpx prefetch sees it: fixed answers by path,
// each with its X-Cache header, on a free loopback port; it records every
// request ("METHOD PATH") in order.

#include <httplib.h>

#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace gpx::test {

class FakeAgent
{
public:
  struct Answer
  {
    int status = 200;
    std::string body;
    std::string x_cache = "HIT"; // "" for none
  };

  FakeAgent()
  {
    m_port = m_http.bind_to_any_port("127.0.0.1");
    m_http.Get(
      R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(m_mutex);
        m_requests.push_back(req.method + " " + req.path);
        auto it = m_answers.find(req.path);
        if (it == m_answers.end()) {
          res.status = 404;
          res.set_content("not found: " + req.path + "\n", "text/plain");
          return;
        }
        res.status = it->second.status;
        if (!it->second.x_cache.empty()) {
          res.set_header("X-Cache", it->second.x_cache);
        }
        res.set_content(it->second.body, "application/octet-stream");
      });
    m_thread = std::thread([this] { m_http.listen_after_bind(); });
  }
  ~FakeAgent()
  {
    // stop() is a no-op until the accept loop runs: one request first.
    httplib::Client(url()).Get("/");
    m_http.stop();
    m_thread.join();
  }
  FakeAgent(const FakeAgent&) = delete;
  FakeAgent& operator=(const FakeAgent&) = delete;

  void
  set(const std::string& path, Answer a)
  {
    std::lock_guard lock(m_mutex);
    m_answers[path] = std::move(a);
  }
  std::vector<std::string>
  requests()
  {
    std::lock_guard lock(m_mutex);
    return m_requests;
  }
  std::string
  url() const
  {
    return "http://127.0.0.1:" + std::to_string(m_port);
  }

private:
  httplib::Server m_http;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::map<std::string, Answer> m_answers;
  std::vector<std::string> m_requests;
};

} // namespace gpx::test
