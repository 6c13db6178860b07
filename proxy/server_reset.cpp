#include "proxy/server_reset.hpp"

#include "proxy/wire/message_types.hpp"

using namespace std::string_literals;

namespace pgsleuth::proxy {

std::string_view ServerReset::request() {
  static const std::string query = "Q\0\0\0\x10" "DISCARD ALL\0"s;
  return query;
}

ServerReset::State ServerReset::feed(std::string_view bytes) {
  if (state_ != State::Waiting) return state_;
  bytes_ += bytes.size();
  if (bytes_ > kMaxAnswerBytes) {
    fail("answer longer than " + std::to_string(kMaxAnswerBytes) + " bytes");
  } else if (!decoder_.feed(bytes, *this)) {
    fail(decoder_.error());
  } else if (state_ == State::Clean && !decoder_.at_message_boundary()) {
    fail("bytes after ReadyForQuery");
  }
  return state_;
}

void ServerReset::on_message(const wire::Message& m) {
  if (state_ != State::Waiting) {
    if (state_ == State::Clean) fail("a message after ReadyForQuery");
    return;
  }
  switch (m.type) {
    case wire::backend::kParameterStatus:
      greeting_.on_message(m);
      return;
    case wire::backend::kNoticeResponse:  // a notice (a WARNING from an extension, say): harmless
    case wire::backend::kNotificationResponse:  // a notification for the client that left
      return;
    case wire::backend::kCommandComplete:
      if (m.body != std::string_view("DISCARD ALL\0", 12)) return fail("unexpected command tag");
      completed_ = true;
      return;
    case wire::backend::kReadyForQuery:
      if (!completed_ || m.body != "I") return fail("not idle after DISCARD ALL");
      state_ = State::Clean;
      return;
    case wire::backend::kErrorResponse:
      return fail("DISCARD ALL failed");
    default:
      return fail(std::string("unexpected message '") + m.type + "'");
  }
}

void ServerReset::fail(std::string why) {
  state_ = State::Failed;
  failure_ = std::move(why);
}

}  // namespace pgsleuth::proxy
