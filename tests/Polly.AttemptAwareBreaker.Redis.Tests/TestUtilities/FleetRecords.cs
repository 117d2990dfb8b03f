using StackExchange.Redis;

namespace Polly.AttemptAwareBreaker.Redis.Tests.TestUtilities;

/// <summary>Reads what Redis holds of the fleet: each instance's field of the <c>instances</c> hash.</summary>
internal static class FleetRecords
{
    /// <summary>Sums the successes and failures of every instance's field, for the fleet's keys.</summary>
    public static async Task<(long Successes, long Failures, int Instances)> SumAsync(ConnectionMultiplexer connection, Fleet fleet)
    {
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        long successes = 0, failures = 0;
        var instances = 0;
        await foreach (var key in server.KeysAsync(pattern: fleet.KeyPrefix + ":*:instances"))
        {
            foreach (var field in await connection.GetDatabase().HashGetAllAsync(key))
            {
                var parts = ((string)field.Value!).Split('|');
                successes += long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                failures += long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
                instances++;
            }
        }

        return (successes, failures, instances);
    }
}
