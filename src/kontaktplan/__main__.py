from kontaktplan.launcher import main

main()
