using MongoDB.Bson;

namespace Orbital.OrderManagement.Checkpoints;

/// <summary>Where a change stands in the stream: its resume token, and when it happened.</summary>
public sealed record ChangePosition(BsonDocument Token, DateTime EventTime);
