// The partition assigner of every shared (non-exclusive) group: partition p of every topic the
// group consumes goes to the same member, the (rank of p mod members)-th in member-id order — as
// the one-process bus assigns them. A key lands on the same partition number of each topic, so
// the member that owns a service's telemetry also gets its alerts and incident commands; kafkajs's
// round-robin assigner deals the topic-partitions of all topics out in one sequence, in metadata
// order, and so splits one service's topics across members.
import kafkajs, { type PartitionAssigner } from 'kafkajs';

const { AssignerProtocol } = kafkajs;
export const COPARTITIONED = 'AftershockCopartitioned';

/** Member id → topic → partitions: partition p of every topic to the same member. */
export function copartition(
  memberIds: readonly string[],
  partitionsOf: ReadonlyMap<string, readonly number[]>,
): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const numbers = [...new Set([...partitionsOf.values()].flat())].sort((a, b) => a - b);
  const ownerOf = new Map(numbers.map((p, rank) => [p, members[rank % members.length]!]));
  const assignment = new Map(members.map((m): [string, Record<string, number[]>] => [m, {}]));
  for (const [topic, partitions] of partitionsOf) {
    for (const p of [...partitions].sort((a, b) => a - b)) {
      const share = assignment.get(ownerOf.get(p)!)!;
      (share[topic] ??= []).push(p);
    }
  }
  return assignment;
}

export const copartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: COPARTITIONED,
  version: 0,
  async assign({ members, topics }) {
    const partitionsOf = new Map(
      topics.map((topic) => [topic, cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId)]),
    );
    const assignment = copartition(
      members.map((m) => m.memberId),
      partitionsOf,
    );
    return members.map(({ memberId }) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 0,
        assignment: assignment.get(memberId) ?? {},
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: COPARTITIONED,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
