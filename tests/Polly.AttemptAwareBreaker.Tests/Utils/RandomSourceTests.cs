namespace Polly.AttemptAwareBreaker.Tests.Utils;

/// <summary>
/// The retry's default jitter randomizer differs by build: <c>Random.Shared</c> on .NET, one randomly seeded <c>Random</c> per
/// thread on netstandard2.0 (run by Polly.AttemptAwareBreaker.NetStandard.Tests). Either must give uncorrelated draws to threads
/// that start together (else jittered retries stay in step) and survive concurrent use (a shared <c>Random</c> does not).
/// </summary>
public class RandomSourceTests
{
    [Fact]
    public void NextDouble_ThreadsStartingTogether_DrawDifferentSequences()
    {
        const int Threads = 8;
        var sequences = new string[Threads];
        using var start = new Barrier(Threads);

        RunOnThreads(Threads, thread =>
        {
            start.SignalAndWait();
            sequences[thread] = string.Join(",", RandomSource.NextDouble(), RandomSource.NextDouble(), RandomSource.NextDouble());
        });

        Assert.Equal(Threads, sequences.Distinct().Count());
    }

    [Fact]
    public void NextDouble_ManyConcurrentDraws_StayInRangeAndKeepVarying()
    {
        const int Threads = 4;
        const int Draws = 200_000;
        var outOfRange = new int[Threads];
        var lastDraws = new double[Threads][];

        RunOnThreads(Threads, thread =>
        {
            var last = new double[100];
            for (var i = 0; i < Draws; i++)
            {
                var value = RandomSource.NextDouble();
                outOfRange[thread] += value is < 0 or >= 1 ? 1 : 0;
                last[i % last.Length] = value;
            }

            lastDraws[thread] = last;
        });

        Assert.All(outOfRange, count => Assert.Equal(0, count));
        Assert.All(lastDraws, last => Assert.True(last.Distinct().Count() > 90, $"the last 100 draws of a thread hold {last.Distinct().Count()} distinct values"));
    }

    private static void RunOnThreads(int count, Action<int> body)
    {
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() => body(i))).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());
    }
}
