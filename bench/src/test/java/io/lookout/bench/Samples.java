package io.lookout.bench;

import java.util.List;
import java.util.Map;

/** A few lines in each loghub format, for tests that must not depend on the shared data set. */
final class Samples {
  static final Map<String, List<String>> LINES =
      Map.of(
          "Apache",
          List.of(
              "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
              "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
              "[Sun Dec 04 04:51:08 2005] [notice] jk2_init() Found child 6725 in scoreboard slot 10"),
          "HDFS",
          List.of(
              "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating",
              "081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 10.251.73.220:50010 is added to blk_7128370237687728475 size 67108864"),
          "Zookeeper",
          List.of(
              "2015-07-29 19:04:29,071 - WARN  [SendWorker:188978561024:QuorumCnxManager$SendWorker@688] - Send worker leaving thread",
              "2015-07-29 19:04:12,394 - ERROR [/10.10.34.11:3888:QuorumCnxManager$Listener@493] - Received connection request /10.10.34.11:45307"),
          "OpenSSH",
          List.of(
              "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
              "Dec 10 07:51:15 LabSZ sshd[24324]: error: Received disconnect from 195.154.37.122: 3: Auth fail [preauth]",
              ""));

  private Samples() {}
}
