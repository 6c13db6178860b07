#pragma once
// Cleaning a server connection between two clients: DISCARD ALL, and the
// server's answer checked message by message. Pure: bytes in, verdict out.
// The ParameterStatus messages of the answer (values going back to their
// startup settings) update the greeting the next client will be given.

#include <cstdint>
#include <string>
#include <string_view>

#include "proxy/server_greeting.hpp"
#include "proxy/wire/frame_decoder.hpp"

namespace pgsleuth::proxy {

class ServerReset : private wire::MessageObserver {
 public:
  enum class State { Waiting, Clean, Failed };

  explicit ServerReset(ServerGreeting greeting) : greeting_(std::move(greeting)) {}

  // The Query message to send.
  static std::string_view request();

  State feed(std::string_view bytes);
  State state() const { return state_; }
  const std::string& failure() const { return failure_; }
  const ServerGreeting& greeting() const { return greeting_; }

 private:
  void on_message(const wire::Message& m) override;
  void fail(std::string why);

  // A server's whole answer to DISCARD ALL is a few hundred bytes.
  static constexpr uint64_t kMaxAnswerBytes = 64 * 1024;

  ServerGreeting greeting_;
  wire::FrameDecoder decoder_{wire::Direction::Backend};
  uint64_t bytes_ = 0;
  bool completed_ = false;
  State state_ = State::Waiting;
  std::string failure_;
};

}  // namespace pgsleuth::proxy
