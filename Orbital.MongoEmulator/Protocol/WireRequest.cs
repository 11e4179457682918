using MongoDB.Bson;

namespace Orbital.MongoEmulator.Protocol;

/// <summary>One command as a client sent it, whichever opcode carried it.</summary>
/// <param name="RequestId">The request id to answer to.</param>
/// <param name="Command">The command document, with OP_MSG document sequences folded in as arrays.</param>
/// <param name="Database">The database the command runs against (<c>$db</c>, or the OP_QUERY namespace).</param>
/// <param name="IsLegacy">True when it came as OP_QUERY and must be answered with OP_REPLY.</param>
/// <param name="MoreToCome">True when the client expects no answer (an unacknowledged write).</param>
internal sealed record WireRequest(int RequestId, BsonDocument Command, string Database, bool IsLegacy, bool MoreToCome);
