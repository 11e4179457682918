using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Orbital.KitchenBatch.Data;

/// <summary>Tells "PostgreSQL is down or overloaded, try again" apart from a failure that retrying cannot fix.</summary>
public static class DatabaseFailures
{
    public const string UniqueViolation = PostgresErrorCodes.UniqueViolation;

    public static bool IsUnavailable(Exception exception) => exception switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: System.Net.Sockets.SocketException or IOException or TimeoutException } => true,
        TimeoutException => true,
        DbUpdateException { InnerException: { } inner } => IsUnavailable(inner),
        InvalidOperationException { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    /// <summary>Whether saving failed on the unique constraint <paramref name="constraint"/>.</summary>
    public static bool IsUniqueViolation(DbUpdateException exception, string constraint)
        => exception.InnerException is PostgresException { SqlState: UniqueViolation } postgres && postgres.ConstraintName == constraint;
}
