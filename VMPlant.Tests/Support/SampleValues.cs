using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;

namespace VMPlant.Tests.Support;

/// <summary>
/// Builds a populated instance of any contract record through its widest constructor, so serializer specs cover
/// every message, event and snapshot type without a hand-written sample that could fall out of date.
/// </summary>
public sealed class SampleValues(IActorRef actorRef)
{
    private int _counter;

    public object Create(Type type, int depth = 0)
    {
        if (depth > 12) throw new InvalidOperationException($"sample for {type} nests too deep");
        var n = ++_counter;
        if (type == typeof(string)) return $"s{n}-<&\"'>";
        if (type == typeof(int)) return n;
        if (type == typeof(long)) return (long)n << 33;
        if (type == typeof(double)) return n + 0.25;
        if (type == typeof(bool)) return true;
        if (type == typeof(DateTimeOffset)) return new DateTimeOffset(2026, 11, 26, 4, 43, n % 60, TimeSpan.Zero);
        if (type == typeof(IActorRef)) return actorRef;
        if (type.IsEnum) return Enum.GetValues(type).GetValue(Enum.GetValues(type).Length - 1)!;
        if (Nullable.GetUnderlyingType(type) is { } inner) return Create(inner, depth + 1);
        if (type.IsGenericType) return CreateGeneric(type, depth);
        if (type.IsInterface || type.IsAbstract)
        {
            var concrete = type.Assembly.GetTypes().Concat(typeof(SampleValues).Assembly.GetTypes())
                .First(t => !t.IsAbstract && !t.IsInterface && type.IsAssignableFrom(t));
            return Create(concrete, depth + 1);
        }
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke(ctor.GetParameters().Select(p => Create(p.ParameterType, depth + 1)).ToArray());
    }

    private object CreateGeneric(Type type, int depth)
    {
        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        if (definition == typeof(ImmutableArray<>))
            return typeof(ImmutableArray).GetMethods(BindingFlags.Public | BindingFlags.Static)
                .First(m => m.Name == nameof(ImmutableArray.Create) && m.GetParameters() is [{ ParameterType.IsGenericParameter: true }])
                .MakeGenericMethod(args[0]).Invoke(null, [Create(args[0], depth + 1)])!;
        if (definition == typeof(ImmutableSortedDictionary<,>) || definition == typeof(ImmutableDictionary<,>))
        {
            var pairs = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(typeof(KeyValuePair<,>).MakeGenericType(args)))!;
            pairs.Add(Activator.CreateInstance(typeof(KeyValuePair<,>).MakeGenericType(args), Create(args[0], depth + 1), Create(args[1], depth + 1)));
            var factory = definition == typeof(ImmutableDictionary<,>) ? typeof(ImmutableDictionary) : typeof(ImmutableSortedDictionary);
            return factory.GetMethods()
                .First(m => m.Name == nameof(ImmutableDictionary.CreateRange) && m.GetParameters().Length == 1)
                .MakeGenericMethod(args).Invoke(null, [pairs])!;
        }
        if (definition == typeof(ImmutableHashSet<>))
            return typeof(ImmutableHashSet).GetMethods()
                .First(m => m.Name == nameof(ImmutableHashSet.Create) && m.GetParameters() is [{ ParameterType.IsGenericParameter: true }])
                .MakeGenericMethod(args[0]).Invoke(null, [Create(args[0], depth + 1)])!;
        throw new NotSupportedException($"no sample for {type}");
    }
}
