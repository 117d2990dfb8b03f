// A hard outage in virtual time: every downstream call fails. Polly's retry (3 attempts per operation) sits outside the
// attempt-aware breaker (consecutive threshold 5). The breaker counts downstream attempts, so the circuit opens after
// exactly 5 failed downstream calls, however those calls are spread over operations and retries.
using Microsoft.Extensions.Time.Testing;
using Polly;
using Polly.AttemptAwareBreaker;
using Polly.CircuitBreaker;
using Polly.Retry;

const int Threshold = 5;
var time = new FakeTimeProvider();
var stateProvider = new AttemptAwareCircuitBreakerStateProvider();
var downstreamCalls = 0;

var pipeline = new ResiliencePipelineBuilder<string> { TimeProvider = time }
    .AddRetry(new RetryStrategyOptions<string>
    {
        MaxRetryAttempts = 2,
        Delay = TimeSpan.Zero,
        ShouldHandle = new PredicateBuilder<string>().Handle<HttpRequestException>(),
    })
    .AddAttemptAwareCircuitBreaker(new AttemptAwareCircuitBreakerStrategyOptions<string>
    {
        ConsecutiveFailureThreshold = Threshold,
        BreakDuration = TimeSpan.FromSeconds(30),
        StateProvider = stateProvider,
    })
    .Build();

Console.WriteLine($"Hard outage; retry outside, 3 attempts per operation; breaker opens after {Threshold} consecutive failed attempts.");
Console.WriteLine();
for (var operation = 1; operation <= 4; operation++)
{
    var before = downstreamCalls;
    var context = ResilienceContextPool.Shared.Get();
    var outcome = await pipeline.ExecuteOutcomeAsync(
        static (_, state) =>
        {
            state();
            return Outcome.FromExceptionAsValueTask<string>(new HttpRequestException("503 Service Unavailable"));
        },
        context,
        new Action(() => downstreamCalls++));
    ResilienceContextPool.Shared.Return(context);

    var ending = outcome.Exception switch
    {
        BrokenCircuitException broken => $"rejected: circuit open, retry after {broken.RetryAfter?.TotalSeconds:0} s",
        { } ex => $"failed: {ex.Message}",
        _ => "succeeded",
    };
    Console.WriteLine($"operation {operation}: {downstreamCalls - before} downstream call(s), {ending}; circuit {stateProvider.CircuitState}");
}

var snapshot = stateProvider.GetSnapshot();
Console.WriteLine();
Console.WriteLine($"downstream calls before the circuit opened: {snapshot.TotalAttempts.Total} (threshold {Threshold})");
Console.WriteLine($"attempts: {snapshot.TotalAttempts}");
Console.WriteLine($"operations: {snapshot.TotalOperations}");
Console.WriteLine($"rejections: {snapshot.TotalRejections}");
return snapshot.TotalAttempts.Total == Threshold ? 0 : 1;
