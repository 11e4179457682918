using MongoDB.Bson;

namespace Orbital.MongoEmulator.Storage;

/// <summary>Where a change stream begins: after a token (<c>resumeAfter</c>, or <c>startAfter</c>), at an operation time, or now.</summary>
internal sealed record ChangeStreamStart(BsonValue? ResumeToken, BsonTimestamp? OperationTime, bool StartAfter = false);
